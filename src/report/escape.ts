/**
 * Escaping for the two places log text reaches the page: HTML markup and an inline JSON data block.
 * Nothing taken from a log is ever concatenated into JavaScript source.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * escapeHtml('<img src=x onerror="alert(1)">'); // => '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
 */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Serialises a value as JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` are
 * written as `\uXXXX` so no `</script>` or `<!--` can end or alter the block, and U+2028/U+2029 are escaped
 * because older JavaScript parsers treat them as line ends. `JSON.parse` reads the result back unchanged.
 * Non-finite numbers are not representable in JSON and become `null`.
 *
 * @example
 * jsonForScript({ run: '</script>' }); // => '{"run":"\\u003c/script\\u003e"}'
 */
export function jsonForScript(value: unknown): string {
  const json = JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? null : v,
  );
  // JSON.stringify returns undefined for undefined/functions; the data block must still parse.
  return (json ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
