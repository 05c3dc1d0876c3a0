import { describe, expect, it } from 'vitest';
import type { Unit } from '#shared/directory/schemas';
import { formValuesOf, inputFromForm } from '#shared/surveys/form';
import { INSTRUMENT_14_2017 } from '#shared/surveys/instrument';
import { surveyFormPage, thankYouPage } from '#shared/surveys/pages';
import { SurveyResponseInput } from '#shared/surveys/schemas';

const unit: Unit = {
  code: 'KEL-UJI',
  name: 'Kelurahan <i>Uji</i> & "Kita"',
  type: 'kelurahan',
  parentCode: 'KEC-01',
  services: ['Surat pengantar', 'Surat keterangan <domisili>'],
  status: 'active',
  activeChildren: 0,
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const allThrees = Object.fromEntries(INSTRUMENT_14_2017.elements.map((e) => [`answers.${e.key}`, '3']));

describe('the posted form as the JSON input', () => {
  it('turns digit answers into numbers and drops blank optional fields', () => {
    const input = inputFromForm(
      formValuesOf(
        {
          ...allThrees,
          'answers.waktu': '4',
          responseId: '01KDVDNA00M8EQSY3JERTFD0MW',
          instrumentVersion: INSTRUMENT_14_2017.version,
          service: 'Surat pengantar',
          'respondent.gender': 'P',
          'respondent.ageBand': '',
          suggestion: '   ',
          website: '',
        },
        INSTRUMENT_14_2017,
      ),
    );
    expect(input).toEqual({
      responseId: '01KDVDNA00M8EQSY3JERTFD0MW',
      instrumentVersion: INSTRUMENT_14_2017.version,
      answers: { ...Object.fromEntries(INSTRUMENT_14_2017.elements.map((e) => [e.key, 3])), waktu: 4 },
      service: 'Surat pengantar',
      respondent: { gender: 'P' },
    });
    expect(SurveyResponseInput.safeParse(input).success).toBe(true);
  });

  it('leaves a missing answer out and non-digits as text, so the schema names both fields', () => {
    const { 'answers.biaya': _, ...withoutBiaya } = allThrees;
    const input = inputFromForm(formValuesOf({ ...withoutBiaya, 'answers.waktu': 'tiga' }, INSTRUMENT_14_2017));
    const result = SurveyResponseInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['answers.waktu', 'Jawaban harus angka 1 sampai 4'],
      ['answers.biaya', 'Pilih salah satu jawaban'],
    ]);
  });

  it('takes the first value of a field sent twice', () => {
    expect(formValuesOf({ 'answers.waktu': ['2', '4'] }, INSTRUMENT_14_2017).answers.waktu).toBe('2');
  });
});

describe('the survey form page', () => {
  const blank = {
    unit,
    instrument: INSTRUMENT_14_2017,
    values: { ...formValuesOf({}, INSTRUMENT_14_2017), responseId: '01KDVDNA00M8EQSY3JERTFD0MW' },
    errors: [],
  };

  it('escapes the unit name and the service names', () => {
    const page = surveyFormPage(blank);
    expect(page).toContain('Kelurahan &lt;i&gt;Uji&lt;/i&gt; &amp; &quot;Kita&quot;');
    expect(page).not.toContain('<i>Uji</i>');
    expect(page).toContain(
      '<option value="Surat keterangan &lt;domisili&gt;">Surat keterangan &lt;domisili&gt;</option>',
    );
  });

  it('asks each question in a fieldset with a legend and four labelled radios', () => {
    const page = surveyFormPage(blank);
    expect(page.match(/<fieldset id="q-/g)).toHaveLength(9);
    expect(page.match(/<label class="opt"><input type="radio"/g)).toHaveLength(36);
    expect(page).toContain('<legend>1. Bagaimana pendapat Saudara tentang kesesuaian persyaratan');
    expect(page).toContain('name="responseId" value="01KDVDNA00M8EQSY3JERTFD0MW"');
  });

  it('keeps the answers sent and writes each error beside its field', () => {
    const page = surveyFormPage({
      ...blank,
      values: { ...blank.values, answers: { ...blank.values.answers, persyaratan: '3' }, suggestion: 'Antrean <lama>' },
      errors: [{ field: 'answers.waktu', message: 'Pilih salah satu jawaban' }],
    });
    expect(page).toContain('name="answers.persyaratan" value="3" checked');
    expect(page).toContain('>Antrean &lt;lama&gt;</textarea>');
    const waktu = page.slice(page.indexOf('<fieldset id="q-waktu"'), page.indexOf('<fieldset id="q-biaya"'));
    expect(waktu).toContain('<p class="field-error" id="galat-answers-waktu">Pilih salah satu jawaban</p>');
    expect(waktu).toContain('aria-describedby="galat-answers-waktu"');
    expect(page).toContain('<a href="#q-waktu">Waktu penyelesaian: Pilih salah satu jawaban</a>');
  });

  it('thanks in Bahasa Indonesia, with the unit name escaped', () => {
    const page = thankYouPage(unit);
    expect(page).toContain('<h1>Terima kasih</h1>');
    expect(page).toContain('Kelurahan &lt;i&gt;Uji&lt;/i&gt;');
  });
});
