// Kubernetes name and label syntax, in one place for the planner, the converters and
// the configuration.

/** A label value that is not empty: at most 63 characters, alphanumeric at both ends, -_. inside. */
export const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** An RFC 1123 label (namespace names): lower-case alphanumerics and '-', alphanumeric at both ends. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const MAX_LABEL_LENGTH = 63;

/** An RFC 1123 subdomain (most object names, annotation key prefixes): DNS labels joined by dots. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const MAX_SUBDOMAIN_LENGTH = 253;

/** A namespace name: a DNS label of at most 63 characters. */
export function isDnsLabel(value: string): boolean {
  return value.length <= MAX_LABEL_LENGTH && DNS_LABEL.test(value);
}

export function isDnsSubdomain(value: string): boolean {
  return value.length <= MAX_SUBDOMAIN_LENGTH && DNS_SUBDOMAIN.test(value);
}

/** Why `value` is not a valid label value, or undefined; the empty value is valid. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > MAX_LABEL_LENGTH) return `must be at most ${MAX_LABEL_LENGTH} characters`;
  if (!LABEL_VALUE.test(value)) return 'must be a valid label value (alphanumerics, "-", "_", "." inside)';
  return undefined;
}

/**
 * Why `key` is not a valid label key (a qualified name: an optional DNS subdomain prefix
 * and '/', then a name), or undefined when it is.
 */
export function labelKeyProblem(key: string): string | undefined {
  if (key === '') return 'must not be empty';
  const slash = key.indexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && !isDnsSubdomain(prefix)) {
    return 'must be a label key: its prefix before "/" must be a DNS subdomain';
  }
  if (name.length > MAX_LABEL_LENGTH || !LABEL_VALUE.test(name)) {
    return `must be a label key: its name must be at most ${MAX_LABEL_LENGTH} characters, alphanumerics with "-", "_", "." inside`;
  }
  return undefined;
}
