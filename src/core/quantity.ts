// Kubernetes quantities (resource.Quantity), parsed exactly with BigInt.
//
//   <quantity>        ::= <signedNumber><suffix>
//   <signedNumber>    ::= <number> | <sign><number>        <sign> ::= "+" | "-"
//   <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
//   <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
//   <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
//   <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
//   <decimalExponent> ::= "e" <signedInteger> | "E" <signedInteger>
//
// As the API server does, a value finer than a nano is rounded away from zero to the
// next nano ("0.9n" is 1n: asking for a little gets a little), and a binarySI value is
// capped at 2^63-1. Two deliberate differences from the Go scanner, which is laxer than
// its own grammar: a number must have a digit (".", "-" and "Mi" are rejected, Go reads
// them as 0), and an exponent must fit in an int32 (Go silently wraps it).

/** An exact quantity: `mantissa × 10^exponent`, with `exponent >= -9` (nano precision). */
export interface Quantity {
  readonly mantissa: bigint;
  readonly exponent: number;
}

export class QuantityError extends Error {
  constructor(
    readonly text: string,
    readonly reason: string,
  ) {
    super(`invalid quantity ${JSON.stringify(text)}`);
    this.name = 'QuantityError';
  }
}

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** Powers of 1024 (as powers of two) of the binary suffixes. */
const BINARY_SUFFIXES: Readonly<Record<string, bigint>> = {
  Ki: 10n,
  Mi: 20n,
  Gi: 30n,
  Ti: 40n,
  Pi: 50n,
  Ei: 60n,
};

// sign, integer digits, fraction after "d.", fraction of ".d", binary, decimal, exponent
const SYNTAX =
  /^([+-]?)(?:([0-9]+)(?:\.([0-9]*))?|\.([0-9]+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE]?)|[eE]([+-]?[0-9]+))$/;

const NANO_EXPONENT = -9;
const MAX_INT64 = (1n << 63n) - 1n;
const MAX_INT32 = 2 ** 31 - 1;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function parseQuantity(text: string): Quantity {
  const match = SYNTAX.exec(text);
  if (match === null) throw new QuantityError(text, 'does not match <signedNumber><suffix>');
  const [, sign, whole = '', fractionAfterWhole, fractionAlone, binary, decimal, exponentText] = match;
  const fraction = fractionAfterWhole ?? fractionAlone ?? '';
  let mantissa = BigInt(`${whole}${fraction}` || '0');
  let exponent = -fraction.length;

  if (binary !== undefined) {
    mantissa <<= BINARY_SUFFIXES[binary] ?? 0n;
  } else if (exponentText !== undefined) {
    const shift = Number(exponentText);
    if (!Number.isSafeInteger(shift) || Math.abs(shift) > MAX_INT32) {
      throw new QuantityError(text, 'exponent out of range');
    }
    exponent += shift;
  } else {
    exponent += DECIMAL_SUFFIXES[decimal ?? ''] ?? 0;
  }

  if (mantissa === 0n) return { mantissa: 0n, exponent: 0 };
  if (exponent < NANO_EXPONENT) {
    mantissa = divideAwayFromZero(mantissa, NANO_EXPONENT - exponent);
    exponent = NANO_EXPONENT;
  }
  if (binary !== undefined && mantissa > MAX_INT64 * 10n ** BigInt(-exponent)) {
    mantissa = MAX_INT64;
    exponent = 0;
  }
  return { mantissa: sign === '-' ? -mantissa : mantissa, exponent };
}

/** The value in thousandths, rounded up (kube-scheduler's MilliValue, used for cpu). */
export function milliValueCeil(q: Quantity): number {
  return scaledCeil(q, 3);
}

/** The value, rounded up (kube-scheduler's Value, used for every resource but cpu). */
export function valueCeil(q: Quantity): number {
  return scaledCeil(q, 0);
}

/**
 * `q × 10^shift`, rounded toward +infinity and clamped to ±Number.MAX_SAFE_INTEGER, so
 * a huge quantity stays huge instead of turning into an imprecise float.
 */
function scaledCeil(q: Quantity, shift: number): number {
  if (q.mantissa === 0n) return 0;
  const negative = q.mantissa < 0n;
  const magnitude = negative ? -q.mantissa : q.mantissa;
  const exponent = q.exponent + shift;
  let scaled: bigint;
  if (exponent >= 0) {
    // Avoid building 10^exponent for absurd exponents: 10^16 is already past the clamp.
    if (magnitude.toString().length - 1 + exponent >= 16)
      return negative ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
    scaled = magnitude * 10n ** BigInt(exponent);
  } else {
    const divisor = 10n ** BigInt(-exponent);
    // Toward +infinity: up for positive values, truncation for negative ones.
    scaled = negative ? magnitude / divisor : (magnitude + divisor - 1n) / divisor;
  }
  if (scaled > MAX_SAFE) scaled = MAX_SAFE;
  const result = Number(scaled);
  return negative ? (result === 0 ? 0 : -result) : result;
}

/** `magnitude / 10^digits` for magnitude > 0, rounded away from zero. */
function divideAwayFromZero(magnitude: bigint, digits: number): bigint {
  // Anything below the divisor rounds to 1; skip building a huge power of ten.
  if (digits > magnitude.toString().length) return 1n;
  const divisor = 10n ** BigInt(digits);
  return (magnitude + divisor - 1n) / divisor;
}
