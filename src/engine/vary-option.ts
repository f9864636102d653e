import { isToken } from '../core/header-values.ts';
import {
  DEFAULT_VARY_NORMALIZERS,
  VARY_NORMALIZER_NAMES,
  type VaryNormalizer,
  type VaryNormalizers,
} from '../core/vary-normalizers.ts';
import { OptionsError } from '../errors.ts';

/**
 * The `varyNormalizers` option, validated: each name a field name, each value a normaliser.
 *
 * @module
 */

/** The defaults with the named fields' normalisers replaced, names lower-cased. */
export function varyNormalizers(
  value: Readonly<Record<string, VaryNormalizer>> | undefined,
): VaryNormalizers {
  if (value === undefined) return DEFAULT_VARY_NORMALIZERS;
  if (typeof value !== 'object' || value === null) {
    throw new OptionsError('varyNormalizers', `must be an object, got ${String(value)}`);
  }
  const resolved = new Map(DEFAULT_VARY_NORMALIZERS);
  for (const [name, normalizer] of Object.entries(value)) {
    const option = `varyNormalizers.${name}`;
    // RFC 9110 §5.1: field-name = token.
    if (!isToken(name)) {
      throw new OptionsError(option, 'is not a header field name');
    }
    const field = name.toLowerCase();
    if (typeof normalizer !== 'function' && !VARY_NORMALIZER_NAMES.includes(normalizer)) {
      throw new OptionsError(
        option,
        `must be ${VARY_NORMALIZER_NAMES.map((n) => `'${n}'`).join(', ')} or a function, got ${String(normalizer)}`,
      );
    }
    if (normalizer === 'language' && field !== 'accept-language') {
      throw new OptionsError(option, "'language' applies to accept-language only");
    }
    resolved.set(field, normalizer);
  }
  return resolved;
}
