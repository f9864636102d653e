/**
 * Cache tags (surrogate keys): names a response gives itself so that a group of stored responses
 * can be purged at once. CDNs read them from `Cache-Tag` (comma-separated) and `Surrogate-Key`
 * (space-separated); neither is in an RFC, so these are the CDNs' conventions.
 *
 * @module
 */

/** The fields tags are read from by default. */
export const DEFAULT_TAG_HEADERS: readonly string[] = ['cache-tag', 'surrogate-key'];

/** The most tags kept per response: more are ignored, so one response cannot bloat an index. */
export const MAX_TAGS = 128;

/** The longest tag kept, in UTF-16 code units; longer ones are ignored. */
export const MAX_TAG_LENGTH = 1024;

/** Fields whose tags are separated by whitespace; in every other field, by commas. */
const SPACE_SEPARATED: ReadonlySet<string> = new Set(['surrogate-key']);

/**
 * The tags of a response: the members of the fields named in `fields` (lower-case), in order,
 * each once, empty ones, over-long ones and those beyond {@link MAX_TAGS} left out.
 */
export function tagsOf(
  headers: Iterable<readonly [string, string]>,
  fields: ReadonlySet<string>,
): string[] {
  const tags = new Set<string>();
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (!fields.has(lower)) continue;
    for (const member of value.split(SPACE_SEPARATED.has(lower) ? /\s+/ : ',')) {
      const tag = member.trim();
      if (tag !== '' && tag.length <= MAX_TAG_LENGTH) tags.add(tag);
      if (tags.size === MAX_TAGS) return [...tags];
    }
  }
  return [...tags];
}
