import { milliValueCeil, parseQuantity, type Quantity, QuantityError, valueCeil } from './quantity.js';

/** The exact value in nano units, to compare parses without caring about representation. */
function nanos(q: Quantity): bigint {
  const shift = q.exponent + 9;
  return shift >= 0 ? q.mantissa * 10n ** BigInt(shift) : q.mantissa / 10n ** BigInt(-shift);
}

const GIGA = 1_000_000_000n;
const KI = 1024n;
const MAX_INT64 = (1n << 63n) - 1n;

// The valid cases of Kubernetes' own quantity parse tests, as nano values.
const valid: readonly (readonly [string, bigint])[] = [
  ['0', 0n],
  ['0n', 0n],
  ['0u', 0n],
  ['0m', 0n],
  ['0Ki', 0n],
  ['0k', 0n],
  ['0Mi', 0n],
  ['0M', 0n],
  ['0Gi', 0n],
  ['0G', 0n],
  ['0Ti', 0n],
  ['0T', 0n],
  ['1', GIGA],
  ['1Ki', KI * GIGA],
  ['8Ki', 8n * KI * GIGA],
  ['7Mi', 7n * KI ** 2n * GIGA],
  ['6Gi', 6n * KI ** 3n * GIGA],
  ['5Ti', 5n * KI ** 4n * GIGA],
  ['4Pi', 4n * KI ** 5n * GIGA],
  ['3Ei', 3n * KI ** 6n * GIGA],
  ['10Ti', 10n * KI ** 4n * GIGA],
  ['100Ti', 100n * KI ** 4n * GIGA],
  ['5n', 5n],
  ['4u', 4_000n],
  ['3m', 3_000_000n],
  ['9', 9n * GIGA],
  ['8k', 8n * 10n ** 12n],
  ['50k', 5n * 10n ** 13n],
  ['7M', 7n * 10n ** 15n],
  ['6G', 6n * 10n ** 18n],
  ['5T', 5n * 10n ** 21n],
  ['40T', 4n * 10n ** 22n],
  ['300T', 3n * 10n ** 23n],
  ['2P', 2n * 10n ** 24n],
  ['1E', 10n ** 27n],
  ['1E-3', 10n ** 6n],
  ['1e3', 10n ** 12n],
  ['1E6', 10n ** 15n],
  ['1e9', 10n ** 18n],
  ['1E12', 10n ** 21n],
  ['1e15', 10n ** 24n],
  ['1E18', 10n ** 27n],
  ['1e14', 10n ** 23n],
  ['1e13', 10n ** 22n],
  ['100.035k', 100_035n * GIGA],
  ['0.001', 10n ** 6n],
  ['0.0005k', 5n * 10n ** 8n],
  ['0.005', 5n * 10n ** 6n],
  ['0.05', 5n * 10n ** 7n],
  ['0.5', 5n * 10n ** 8n],
  ['0.00050k', 5n * 10n ** 8n],
  ['0.00500', 5n * 10n ** 6n],
  ['0.05000', 5n * 10n ** 7n],
  ['0.50000', 5n * 10n ** 8n],
  ['0.5e0', 5n * 10n ** 8n],
  ['0.5e-1', 5n * 10n ** 7n],
  ['0.5e-2', 5n * 10n ** 6n],
  ['10.035M', 10_035n * 10n ** 12n],
  ['1.2e3', 12n * 10n ** 11n],
  ['1.3E+6', 13n * 10n ** 14n],
  ['1.40e9', 14n * 10n ** 17n],
  ['1.53E12', 153n * 10n ** 19n],
  ['1.6e15', 16n * 10n ** 23n],
  ['1.7E18', 17n * 10n ** 26n],
  ['9.01', 901n * 10n ** 7n],
  ['8.1k', 81n * 10n ** 11n],
  ['7.123456M', 7_123_456n * GIGA],
  ['6.987654321G', 6_987_654_321n * GIGA],
  ['5.444T', 5444n * 10n ** 18n],
  ['40.1T', 401n * 10n ** 20n],
  ['300.2T', 3002n * 10n ** 20n],
  ['2.5P', 25n * 10n ** 23n],
  ['1.01E', 101n * 10n ** 25n],
  // Finer than a nano rounds away from zero.
  ['3.001n', 4n],
  ['1.1E-9', 2n],
  ['0.0000000001', 1n],
  ['0.0000000005', 1n],
  ['0.00000000050', 1n],
  ['0.5e-9', 1n],
  ['0.9n', 1n],
  ['0.00000012345', 124n],
  ['0.00000012354', 124n],
  // Binary quantities are capped at 2^63-1; decimal ones are not.
  ['9Ei', MAX_INT64 * GIGA],
  ['9223372036854775807Ki', MAX_INT64 * GIGA],
  ['12E', 12n * 10n ** 27n],
  ['100.035Ki', 10_243_584n * 10n ** 7n],
  ['0.5Mi', 524_288n * GIGA],
  ['0.05Gi', 536_870_912n * 10n ** 8n],
  ['0.025Ti', 274_877_906_944n * 10n ** 8n],
  ['0.000000000001Ki', 2n],
  ['.001', 10n ** 6n],
  ['.0001k', 10n ** 8n],
  ['1.', GIGA],
  ['1.G', 10n ** 18n],
  ['.5', 5n * 10n ** 8n],
  ['5.', 5n * GIGA],
];

describe('parseQuantity', () => {
  it.each(valid)('parses %s', (text, expected) => {
    expect(nanos(parseQuantity(text))).toBe(expected);
  });

  it.each(valid)('parses -%s as the negation and +%s as itself', (text, expected) => {
    expect(nanos(parseQuantity(`-${text}`))).toBe(-expected);
    expect(nanos(parseQuantity(`+${text}`))).toBe(expected);
  });

  it.each([
    // Kubernetes' own invalid cases
    '1.1.M',
    '1+1.0M',
    '0.1mi',
    '0.1am',
    'aoeu',
    '.5i',
    '1i',
    '-3.01i',
    '-3.01e-',
    ' 1',
    '1 ',
    // and ours
    '',
    'abc',
    '1.2.3',
    '5 Mi',
    'Mi',
    '1kb',
    '1K',
    '1KI',
    '1mi',
    '.',
    '-',
    '+',
    '-.',
    '1e',
    '1E+',
    '1e1.5',
    '1e99999999999',
    '++1',
    '0x10',
    '1_000',
    '１',
  ])('rejects %j', (text) => {
    expect(() => parseQuantity(text)).toThrow(QuantityError);
  });

  it('names the text in the error', () => {
    expect(() => parseQuantity('2x')).toThrow('invalid quantity "2x"');
  });

  it('does not build huge powers of ten for extreme exponents', () => {
    expect(nanos(parseQuantity('1e-2000000000'))).toBe(1n);
    expect(valueCeil(parseQuantity('1e2000000000'))).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('milliValueCeil', () => {
  it.each([
    ['100m', 100],
    ['1', 1000],
    ['1.5', 1500],
    ['2', 2000],
    ['0.1m', 1],
    ['1n', 1],
    ['1001u', 2],
    ['1e3', 1_000_000],
    ['0', 0],
    ['-1.5', -1500],
    ['-0.1m', 0],
    ['1e30', Number.MAX_SAFE_INTEGER],
    ['-1e30', -Number.MAX_SAFE_INTEGER],
  ])('%s is %d', (text, expected) => {
    expect(milliValueCeil(parseQuantity(text))).toBe(expected);
  });
});

describe('valueCeil', () => {
  it.each([
    ['2Gi', 2 * 1024 ** 3],
    ['500Mi', 500 * 1024 ** 2],
    ['1e3', 1000],
    ['1.5', 2],
    ['0.5', 1],
    ['100m', 1],
    ['1n', 1],
    ['128974848', 128974848],
    ['129e6', 129_000_000],
    ['123Mi', 128974848],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
    ['9007199254740993', Number.MAX_SAFE_INTEGER],
    ['8Ei', Number.MAX_SAFE_INTEGER],
    ['12E', Number.MAX_SAFE_INTEGER],
    ['-1.5', -1],
  ])('%s is %d', (text, expected) => {
    expect(valueCeil(parseQuantity(text))).toBe(expected);
  });
});
