import * as z from '#shared/zod';

/**
 * The directory's schemas: the single source of validation, types and the OpenAPI document. Units (offices and
 * service units are the same nodes), people, and positions (the head of a unit, `kepala`, and optionally others).
 */

/** Kinds of organisation node. The city is the root; every other node has a parent. */
export const UNIT_TYPES = [
  'kota',
  'sekretariat',
  'inspektorat',
  'dinas',
  'badan',
  'kecamatan',
  'kelurahan',
  'puskesmas',
  'rsud',
  'sekolah',
  'uptd',
] as const;
export const UnitType = z.enum(UNIT_TYPES, { error: `Jenis unit harus salah satu dari: ${UNIT_TYPES.join(', ')}` });
export type UnitType = z.infer<typeof UnitType>;

/** The usual title of a unit's head, used when an admin sets the head without naming the title. */
export const HEAD_TITLES: Record<UnitType, string> = {
  kota: 'Wali Kota',
  sekretariat: 'Sekretaris Daerah',
  inspektorat: 'Inspektur',
  dinas: 'Kepala Dinas',
  badan: 'Kepala Badan',
  kecamatan: 'Camat',
  kelurahan: 'Lurah',
  puskesmas: 'Kepala Puskesmas',
  rsud: 'Direktur',
  sekolah: 'Kepala Sekolah',
  uptd: 'Kepala UPTD',
};

/** The head position of every unit. */
export const HEAD_POSITION = 'kepala';

export const UNIT_STATUSES = ['active', 'archived'] as const;
export const UnitStatus = z.enum(UNIT_STATUSES);
export type UnitStatus = z.infer<typeof UnitStatus>;

/** Stable, upper-case unit code (`KEC-06`, `DINKES`); lower case is accepted and raised. */
export const UnitCode = z.string().check(
  z.trim(),
  z.toUpperCase(),
  // The class admits lower case so the published pattern matches what is accepted (it is raised above).
  z.regex(
    /^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/,
    'Kode unit hanya huruf, angka dan tanda hubung, paling banyak 32 karakter',
  ),
  z.meta({ description: 'Stable upper-case code, e.g. KEC-06, DINKES', example: 'KEC-06' }),
);

/** A sector slug: kesehatan, pendidikan, pekerjaan-umum, sosial, ... (an open list; training eligibility uses it). */
export const Sector = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.regex(/^[a-z][a-z0-9-]{1,39}$/, 'Sektor ditulis huruf kecil dengan tanda hubung, mis. pekerjaan-umum'),
    z.meta({ description: 'Sector slug: kesehatan, pendidikan, pekerjaan-umum, sosial, ...', example: 'kesehatan' }),
  );

const UnitName = z
  .string()
  .check(
    z.trim(),
    z.minLength(3, 'Nama paling sedikit 3 karakter'),
    z.maxLength(200, 'Nama paling banyak 200 karakter'),
  );

/** Names of the services a unit offers (jenis layanan), as citizens see them on the survey form. */
export const Services = z
  .pipe(
    z
      .array(
        z
          .string()
          .check(
            z.trim(),
            z.minLength(2, 'Nama layanan paling sedikit 2 karakter'),
            z.maxLength(120, 'Nama layanan terlalu panjang'),
          ),
      )
      .check(z.maxLength(50, 'Paling banyak 50 jenis layanan')),
    z.transform((names: string[]) => [...new Set(names)]),
  )
  .check(z.meta({ description: 'Jenis layanan: the services the unit offers' }));

const Email = z
  .pipe(
    z.email('Alamat email tidak valid'),
    z.transform((email: string) => email.toLowerCase()),
  )
  .check(z.meta({ example: 'kepala@dinkes.palembang.go.id' }));

/** A new unit. Domain rules beyond the schema (parent exists and is active, only the city has no parent) are checked by the repository. */
export const UnitInput = z
  .object({
    code: UnitCode,
    name: UnitName,
    type: UnitType,
    parentCode: z.optional(UnitCode).check(z.meta({ description: 'Parent node; absent only for the city' })),
    sector: z.optional(Sector),
    services: z._default(Services, []),
    headEmail: z.optional(Email).check(z.meta({ description: "Official mailbox of the unit's head (optional)" })),
  })
  .check(z.meta({ id: 'UnitInput' }));
export type UnitInput = z.output<typeof UnitInput>;

/** Changes to a unit, with the version the change is based on; `null` removes an optional field. */
export const UnitPatch = z
  .object({
    version: z
      .number()
      .check(z.int(), z.minimum(0), z.meta({ description: 'The version read; a stale one is refused with 409' })),
    name: z.optional(UnitName),
    type: z.optional(UnitType),
    parentCode: z.optional(z.nullable(UnitCode)),
    sector: z.optional(z.nullable(Sector)),
    services: z.optional(Services),
    headEmail: z.optional(z.nullable(Email)),
  })
  .check(z.meta({ id: 'UnitPatch' }));
export type UnitPatch = z.output<typeof UnitPatch>;

/**
 * A unit as stored and answered. Registered in place rather than through a `z.meta` check: it is extended and
 * picked from (`StoredUnit`, contracts.ts), which refuses a schema with checks or would carry its id along.
 */
export const Unit = z
  .object({
    code: z.string(),
    name: z.string(),
    type: UnitType,
    parentCode: z.optional(z.string()),
    sector: z.optional(z.string()),
    services: z.array(z.string()),
    headEmail: z.optional(z.string()),
    status: UnitStatus,
    activeChildren: z.int().check(z.meta({ description: 'Active child units (an archive needs none)' })),
    version: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'Unit' });
export type Unit = z.output<typeof Unit>;

/** A unit as written by older code (the first demo seed): fields it lacked get their defaults. */
export const StoredUnit = z.pipe(
  z.extend(Unit, {
    services: z._default(z.array(z.string()), []),
    status: z._default(UnitStatus, 'active'),
    activeChildren: z._default(z.int(), 0),
    // 0 marks an item never versioned: the next update is conditioned on the attribute being absent.
    version: z._default(z.int(), 0),
    updatedAt: z.optional(z.string()),
  }),
  z.transform((unit) => ({ ...unit, updatedAt: unit.updatedAt ?? unit.createdAt })),
);

/** A person's kind of employment: civil servant (PNS) or government employee with a work agreement (PPPK). */
export const EmployeeType = z.enum(['PNS', 'PPPK'], { error: 'Jenis pegawai harus PNS atau PPPK' });

/** A phone number; spaces, dots, dashes and brackets are dropped, a leading + kept. */
export const Phone = z
  .pipe(
    z.pipe(
      z.string().check(z.trim()),
      z.transform((phone: string) => phone.replace(/[\s.()-]/g, '')),
    ),
    z.string().check(z.regex(/^\+?\d{8,15}$/, 'Nomor telepon harus 8 sampai 15 angka')),
  )
  .check(z.meta({ example: '0812-3456-7789' }));

/**
 * A NIP as typed: spaces, dots and dashes between its groups dropped, 18 digits left. Never stored: the directory
 * keeps its HMAC (`nipHash`) and a masked form. PPPK numbers have 18 digits too, with another meaning.
 */
export const Nip = z
  .pipe(
    z.pipe(
      z.string().check(z.trim()),
      z.transform((nip: string) => nip.replace(/[\s.-]/g, '')),
    ),
    z.string().check(z.regex(/^\d{18}$/, 'NIP harus terdiri dari 18 angka')),
  )
  .check(
    z.meta({ description: 'Personal data: stored only as an HMAC and a masked form', example: '198503152010011002' }),
  );

const PersonName = z
  .string()
  .check(
    z.trim(),
    z.minLength(3, 'Nama paling sedikit 3 karakter'),
    z.maxLength(200, 'Nama paling banyak 200 karakter'),
  );

/** A new person of the directory. */
export const PersonInput = z
  .object({
    name: PersonName,
    email: Email,
    phone: z.optional(Phone).check(z.meta({ description: 'Personal data: masked in listings, never logged' })),
    employeeType: EmployeeType,
    nip: z.optional(Nip),
    unitCode: z.optional(UnitCode).check(z.meta({ description: 'The unit the person works in' })),
  })
  .check(z.meta({ id: 'PersonInput' }));
export type PersonInput = z.output<typeof PersonInput>;

/** Changes to a person, with the version the change is based on; `null` removes an optional field. */
export const PersonPatch = z
  .object({
    version: z.number().check(z.int(), z.minimum(1)),
    name: z.optional(PersonName),
    email: z.optional(Email),
    phone: z.optional(z.nullable(Phone)),
    employeeType: z.optional(EmployeeType),
    nip: z.optional(z.nullable(Nip)),
    unitCode: z.optional(z.nullable(UnitCode)),
  })
  .check(z.meta({ id: 'PersonPatch' }));
export type PersonPatch = z.output<typeof PersonPatch>;

/** A person as stored. */
export const StoredPerson = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  phone: z.optional(z.string()),
  employeeType: EmployeeType,
  /** HMAC of the NIP (`shared/nip-hash.ts`): compares and finds, never reveals. */
  nipHash: z.optional(z.string()),
  nipMasked: z.optional(z.string()),
  unitCode: z.optional(z.string()),
  version: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StoredPerson = z.output<typeof StoredPerson>;

/**
 * A person as answered: the phone masked (`0812****789`); the full number only to admins reading one person.
 * Registered in place, as `Unit` is: contracts.ts extends it.
 */
export const Person = z
  .extend(z.omit(StoredPerson, { phone: true, nipHash: true }), {
    nipMasked: z.optional(z.string()).check(z.meta({ example: '1985***********002' })),
    phoneMasked: z.optional(z.string()).check(z.meta({ example: '0812****789' })),
    phone: z.optional(z.string()).check(z.meta({ description: 'Full number: only for admins, on a single person' })),
  })
  .register(z.globalRegistry, { id: 'Person' });
export type Person = z.output<typeof Person>;

const IsoDate = z.iso.date('Tanggal harus berbentuk YYYY-MM-DD');

/**
 * An acting official: Plt. (pelaksana tugas, while the position is vacant or its holder permanently unable) or Plh.
 * (pelaksana harian, while the holder is temporarily away). Dates are WIB calendar days, both inclusive. Registered
 * in place, as `Unit` is: `Position` extends it.
 */
export const Acting = z
  .object({
    personId: z.ulid('ID orang tidak valid'),
    kind: z.enum(['Plt', 'Plh'], { error: 'Jenis pejabat harus Plt atau Plh' }),
    from: IsoDate,
    until: z.optional(IsoDate).check(z.meta({ description: 'Last day (inclusive); open-ended when absent' })),
  })
  .register(z.globalRegistry, { id: 'Acting' });
export type Acting = z.output<typeof Acting>;

/** A position as stored: the holder (absent when vacant) and an acting official. */
export const StoredPosition = z.object({
  unitCode: z.string(),
  positionId: z.string(),
  title: z.string(),
  holderId: z.optional(z.string()),
  acting: z.optional(Acting),
  version: z.int(),
  updatedAt: z.string(),
});
export type StoredPosition = z.output<typeof StoredPosition>;

const PersonRef = z.object({ id: z.string(), name: z.string(), email: z.string() }).check(z.meta({ id: 'PersonRef' }));

/** A position as answered, with names of the people in it. */
export const Position = z
  .object({
    unitCode: z.string(),
    positionId: z.string(),
    title: z.string(),
    holder: z.optional(PersonRef),
    acting: z.optional(z.extend(Acting, { name: z.string(), email: z.string() })),
    version: z.int(),
    updatedAt: z.string(),
  })
  .check(z.meta({ id: 'Position' }));
export type Position = z.output<typeof Position>;

/** Who fills the head position: a holder, an acting official, both (a Plh. while the holder is away), or nobody. */
export const SetHeadInput = z
  .object({
    version: z
      .number()
      .check(
        z.int(),
        z.minimum(0),
        z.meta({ description: "The head position's version read; 0 when it was never set. A stale one gets 409" }),
      ),
    holderId: z.nullable(z.ulid('ID orang tidak valid')).check(z.meta({ description: 'null: the position is vacant' })),
    acting: z._default(z.nullable(Acting), null),
    title: z
      .optional(z.string().check(z.trim(), z.minLength(3), z.maxLength(120)))
      .check(z.meta({ description: 'Default: the usual title of the type' })),
  })
  .check(z.meta({ id: 'SetHeadInput' }));
export type SetHeadInput = z.output<typeof SetHeadInput>;

/** Why a person approves for a unit: the holder, an acting official, or escalation past vacant heads. */
export const ResolvedHead = z
  .object({
    unitCode: z.string().check(z.meta({ description: 'The unit asked about' })),
    headOf: z.string().check(z.meta({ description: 'The unit whose head answers' })),
    title: z.string(),
    person: PersonRef,
    basis: z.enum(['holder', 'acting:Plt', 'acting:Plh']),
    reason: z.string().check(z.meta({ description: 'holder | acting:Plt | acting:Plh | escalated-from:<code>' })),
    vacant: z
      .array(z.string())
      .check(z.meta({ description: 'Units passed over because nobody fills their head, in order' })),
  })
  .check(z.meta({ id: 'ResolvedHead' }));
export type ResolvedHead = z.output<typeof ResolvedHead>;
