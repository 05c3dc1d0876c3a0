import { describe, expect, it } from 'vitest';
import { type FetchSecretString, secretReader } from '#shared/aws/secrets';
import { InvalidError } from '#shared/errors';
import { nipHash, normalizeNip } from '#shared/nip-hash';

describe('normalizeNip', () => {
  it('keeps the 18 digits of a NIP written with spaces, dots or hyphens', () => {
    expect(normalizeNip('19800101 200501 1 001')).toBe('198001012005011001');
    expect(normalizeNip('19800101.200501.1.001')).toBe('198001012005011001');
    expect(normalizeNip(' 19800101-200501-1-001 ')).toBe('198001012005011001');
  });

  it('refuses anything that is not 18 digits, as an invalid nip field', () => {
    for (const wrong of ['19800101200501100', '1980010120050110011', '19800101200501100O', '١٩٨٠٠١٠١٢٠٠٥٠١١٠٠١', '']) {
      const error = (() => {
        try {
          normalizeNip(wrong);
        } catch (e) {
          return e;
        }
      })();
      expect(error, wrong).toBeInstanceOf(InvalidError);
      expect((error as InvalidError).errors).toEqual([{ field: 'nip', message: 'NIP harus terdiri dari 18 angka' }]);
    }
  });
});

describe('nipHash', () => {
  // Computed apart from this code: printf 198001012005011001 | openssl dgst -sha256 -hmac kunci-uji -binary
  //   | head -c 16 | base64url
  it('is the first 128 bits of HMAC-SHA256(key, normalized NIP), base64url', () => {
    expect(nipHash('kunci-uji', '198001012005011001')).toBe('5PjquNrGQ_26fctdc81Jcg');
    expect(nipHash('kunci-uji', '19800101 200501 1 001')).toBe('5PjquNrGQ_26fctdc81Jcg');
  });

  it('differs with another key, so the hashes of one deployment say nothing in another', () => {
    expect(nipHash('kunci-lain', '198001012005011001')).toBe('W1QCKIX37yUCKIl_ULEPnw');
  });

  it('never contains the NIP or a part of it long enough to search by', () => {
    const hash = nipHash('kunci-uji', '198001012005011001');
    expect(hash).toHaveLength(22);
    expect(hash).not.toMatch(/\d{6}/);
  });
});

describe('secretReader', () => {
  const fakeSecrets = (answers: (string | undefined | Error)[]) => {
    const asked: string[] = [];
    const client: FetchSecretString = async (secretId) => {
      asked.push(secretId);
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer;
    };
    return { client, asked };
  };

  it('asks Secrets Manager once per secret, even for concurrent first reads', async () => {
    const { client, asked } = fakeSecrets(['k1', 'k2']);
    const read = secretReader(client);
    expect(await Promise.all([read('arn:a'), read('arn:a'), read('arn:a')])).toEqual(['k1', 'k1', 'k1']);
    expect(await read('arn:a')).toBe('k1');
    expect(await read('arn:b')).toBe('k2');
    expect(asked).toEqual(['arn:a', 'arn:b']);
  });

  it('forgets a failed read, so the next call asks again', async () => {
    const { client, asked } = fakeSecrets([new Error('throttled'), 'k1']);
    const read = secretReader(client);
    await expect(read('arn:a')).rejects.toThrow('throttled');
    expect(await read('arn:a')).toBe('k1');
    expect(asked).toEqual(['arn:a', 'arn:a']);
  });

  it('refuses a secret without a string value', async () => {
    const { client } = fakeSecrets([undefined]);
    await expect(secretReader(client)('arn:binary')).rejects.toThrow('secret arn:binary has no string value');
  });
});
