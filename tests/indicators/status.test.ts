import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evaluateTarget, type Status, type StatusInput } from '../../indicators/compute/status.ts';

const base: StatusInput = {
  comparator: '>=',
  target: 90,
  windowStart: '2023-01-01',
  deadline: '2025-12-31',
  asOf: '2024-06-30',
  baseline: 50,
  observations: [],
};

// e(A) written out: 546 of 1095 days have elapsed (2023-01-01 → 2024-06-30 → 2025-12-31)
const EXPECTED = 50 + (40 * 546) / 1095;

describe('status with fewer than 3 observations: against the straight-line expectation', () => {
  it.each<[number, Status]>([
    [70, 'on_track'], // r = 20 / 19.945 = 1.003
    [65, 'at_risk'], // r = 15 / 19.945 = 0.752
    [60, 'off_track'], // r = 10 / 19.945 = 0.501
    [50, 'off_track'], // r = 0
    [45, 'regressing'], // r < 0
    [90, 'achieved'],
  ])('a = %d → %s', (a, status) => {
    const r = evaluateTarget({
      ...base,
      observations: [
        { on: '2024-05-31', value: 55 },
        { on: '2024-06-30', value: a },
      ],
    });
    expect(r.status).toBe(status);
    expect(r.expected).toBeCloseTo(EXPECTED, 12);
    expect(r.projected).toBeNull();
    expect(r.observations).toBe(2);
    if (status !== 'achieved') expect(r.ratio).toBeCloseTo((a - 50) / (EXPECTED - 50), 12);
  });
});

describe('status with a trend (≥ 3 observations)', () => {
  // exactly linear: +10 every 30 days from 10 on 2024-01-01
  const linear = [
    { on: '2024-01-01', value: 10 },
    { on: '2024-01-31', value: 20 },
    { on: '2024-03-01', value: 30 },
  ];
  const input: StatusInput = {
    comparator: '>=',
    target: 100,
    windowStart: '2024-01-01',
    deadline: '2024-12-31',
    asOf: '2024-03-01',
    baseline: 10,
    observations: linear,
  };

  it('projects the least-squares line to the deadline and dates the crossing', () => {
    const r = evaluateTarget(input);
    expect(r.projected).toBeCloseTo(10 + 365 / 3, 9); // 365 days after 2024-01-01
    expect(r.ratio).toBeCloseTo((10 + 365 / 3 - 10) / 90, 9);
    expect(r.status).toBe('on_track');
    expect(r.forecastOn).toBe('2024-09-27'); // day 270 after 2024-01-01
    expect(r.notBeforeDeadline).toBe(false);
  });

  it('says "not before the deadline" when the trend falls short', () => {
    const slow = linear.map((o, i) => ({ ...o, value: 10 + i }));
    const r = evaluateTarget({ ...input, observations: slow });
    expect(r.forecastOn).toBeNull();
    expect(r.notBeforeDeadline).toBe(true);
    expect(r.status).toBe('off_track');
  });

  it('uses only the last 6 observations', () => {
    const old = [
      { on: '2023-06-30', value: 500 },
      { on: '2023-07-31', value: 500 },
    ];
    const six = [
      ...linear,
      { on: '2024-03-31', value: 40 },
      { on: '2024-04-30', value: 50 },
      { on: '2024-05-31', value: 60 },
    ];
    const r = evaluateTarget({ ...input, asOf: '2024-05-31', observations: [...old, ...six] });
    expect(r.observations).toBe(6);
    const again = evaluateTarget({ ...input, asOf: '2024-05-31', observations: six });
    expect(r.projected).toBe(again.projected);
  });
});

describe('verdicts that do not need a ratio', () => {
  it('missed: past the deadline and not met', () => {
    expect(
      evaluateTarget({
        ...base,
        asOf: '2026-01-31',
        observations: [{ on: '2025-12-31', value: 89.9 }],
      }).status,
    ).toBe('missed');
  });
  it('achieved: met, even past the deadline', () => {
    expect(
      evaluateTarget({
        ...base,
        asOf: '2026-01-31',
        observations: [{ on: '2025-12-31', value: 90 }],
      }).status,
    ).toBe('achieved');
  });
  it('"trên 500 nghìn" (>) is not met by exactly 500,000', () => {
    const r = evaluateTarget({
      ...base,
      comparator: '>',
      target: 500000,
      baseline: 0,
      observations: [{ on: '2024-06-30', value: 500000 }],
    });
    expect(r.status).not.toBe('achieved');
  });
  it('no_data without any actual; superseded once the unit has ceased before its deadline', () => {
    expect(evaluateTarget(base).status).toBe('no_data');
    const district = {
      ...base,
      unitValidTo: '2025-06-30',
      observations: [{ on: '2025-06-30', value: 70 }],
    };
    expect(evaluateTarget({ ...district, asOf: '2025-06-30' }).status).not.toBe('superseded');
    const gone = evaluateTarget({ ...district, asOf: '2025-09-30' });
    expect(gone.status).toBe('superseded');
    expect(gone.actual).toBe(70); // its last actual stays visible
  });
  it('a downward target (≤) reads progress the other way', () => {
    const down = { ...base, comparator: '<=' as const, target: 10, baseline: 30 };
    expect(
      evaluateTarget({ ...down, observations: [{ on: '2024-06-30', value: 20 }] }).status,
    ).toBe('on_track');
    expect(
      evaluateTarget({ ...down, observations: [{ on: '2024-06-30', value: 35 }] }).status,
    ).toBe('regressing');
  });
  it('without a declared baseline the earliest observation serves', () => {
    const r = evaluateTarget({
      ...base,
      baseline: null,
      observations: [
        { on: '2023-01-31', value: 50 },
        { on: '2024-06-30', value: 70 },
      ],
    });
    expect(r.baseline).toBe(50);
  });
});

const RANK: Record<Status, number> = {
  no_data: -1,
  superseded: -1,
  regressing: 0,
  missed: 0,
  off_track: 1,
  at_risk: 2,
  on_track: 3,
  achieved: 4,
};

describe('laws', () => {
  const obs = fc.array(fc.double({ min: 0, max: 100, noNaN: true }), {
    minLength: 1,
    maxLength: 8,
  });
  it('status is monotone in the latest actual', () => {
    fc.assert(
      fc.property(
        obs,
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.constantFrom('>=', '<=') as fc.Arbitrary<'>=' | '<='>,
        (values, bump, comparator) => {
          const observations = values.map((value, i) => ({
            on: `2024-${String(i + 1).padStart(2, '0')}-28`,
            value,
          }));
          const input: StatusInput = {
            ...base,
            comparator,
            target: comparator === '>=' ? 90 : 10,
            asOf: '2024-08-28',
            observations,
          };
          const better = observations.map((o, i) =>
            i === observations.length - 1
              ? { ...o, value: o.value + (comparator === '>=' ? bump : -bump) }
              : o,
          );
          const a = evaluateTarget(input).status;
          const b = evaluateTarget({ ...input, observations: better }).status;
          expect(RANK[b]).toBeGreaterThanOrEqual(RANK[a]);
        },
      ),
    );
  });
  it('the order of the observations does not matter', () => {
    fc.assert(
      fc.property(obs, (values) => {
        const observations = values.map((value, i) => ({
          on: `2024-${String(i + 1).padStart(2, '0')}-28`,
          value,
        }));
        const input = { ...base, asOf: '2024-08-28', observations };
        expect(evaluateTarget({ ...input, observations: [...observations].reverse() })).toEqual(
          evaluateTarget(input),
        );
      }),
    );
  });
});
