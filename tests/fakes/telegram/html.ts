import type { MessageEntity } from 'grammy/types';

/**
 * Result of parsing Telegram-flavoured HTML: either the visible text with its entities (offsets in
 * UTF-16 code units, like the Bot API), or the reason Telegram would give after
 * `Bad Request: can't parse entities: `.
 */
export type HtmlParseResult =
  | { readonly type: 'parsed'; readonly text: string; readonly entities: MessageEntity[] }
  | { readonly type: 'error'; readonly reason: string };

const SUPPORTED_TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'tg-emoji',
  'code',
  'pre',
  'blockquote',
]);

const SIMPLE_ENTITY: Readonly<Record<string, MessageEntity.CommonMessageEntity['type']>> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  span: 'spoiler',
  'tg-spoiler': 'spoiler',
  code: 'code',
};

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };
const ENTITY_PATTERN = /^&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));/;

interface OpenTag {
  readonly name: string;
  readonly start: number;
  readonly attributes: ReadonlyMap<string, string>;
  /** Set on a `pre` when an inner `<code class="language-x">` names the language. */
  language?: string;
}

class HtmlError extends Error {}

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f';

/**
 * Decodes the HTML entity starting at `src[i]` (which is `&`), or returns undefined when it is not
 * one of Telegram's supported entities (`&lt; &gt; &amp; &quot;` and numeric ones).
 */
function decodeEntity(src: string, i: number): { char: string; length: number } | undefined {
  const match = ENTITY_PATTERN.exec(src.slice(i, i + 12));
  if (match === null) return undefined;
  const [whole, named, decimal, hex] = match;
  if (named !== undefined) {
    const char = NAMED_ENTITIES[named];
    return char === undefined ? undefined : { char, length: whole.length };
  }
  const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? '', 16);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return { char: String.fromCodePoint(code), length: whole.length };
}

/**
 * Parses `html` the way Telegram does for `parse_mode: 'HTML'`, strictly.
 *
 * Supports the tags of the Bot API "HTML style" section, `&lt; &gt; &amp; &quot;` and numeric
 * entities. Refuses unknown tags, unclosed or mismatched tags, a bare `<`, and (stricter than
 * Telegram, which lets it through) a bare `&` that does not start a supported entity: the Bot API
 * docs require escaping it, and a bot that forgets is one user name away from a real parse error.
 * Error reasons copy TDLib's wording; byte offsets are UTF-8 offsets into `html`.
 */
export function parseTelegramHtml(html: string): HtmlParseResult {
  try {
    return { type: 'parsed', ...new HtmlParser(html).parse() };
  } catch (error) {
    if (error instanceof HtmlError) return { type: 'error', reason: error.message };
    throw error;
  }
}

class HtmlParser {
  private i = 0;
  private out = '';
  private readonly stack: OpenTag[] = [];
  /** Entities with the nesting depth of their tag, so outer entities sort first on ties. */
  private readonly entities: { entity: MessageEntity; depth: number }[] = [];

  constructor(private readonly src: string) {}

  parse(): { text: string; entities: MessageEntity[] } {
    const { src } = this;
    while (this.i < src.length) {
      const c = src[this.i];
      if (c === '&') this.entity();
      else if (c === '<') {
        if (src[this.i + 1] === '/') this.endTag();
        else this.startTag();
      } else {
        this.out += c;
        this.i += 1;
      }
    }
    const open = this.stack.at(-1);
    if (open !== undefined) {
      throw new HtmlError(`Can't find end tag corresponding to start tag "${open.name}"`);
    }
    const entities = this.entities
      .filter(({ entity }) => entity.length > 0)
      .sort(
        (a, b) =>
          a.entity.offset - b.entity.offset ||
          b.entity.length - a.entity.length ||
          a.depth - b.depth,
      )
      .map(({ entity }) => entity);
    return { text: this.out, entities };
  }

  private byteOffset(index: number): number {
    return Buffer.byteLength(this.src.slice(0, index), 'utf8');
  }

  private fail(reason: string, at: number): never {
    throw new HtmlError(`${reason} at byte offset ${this.byteOffset(at)}`);
  }

  private entity(): void {
    const decoded = decodeEntity(this.src, this.i);
    if (decoded === undefined) {
      this.fail('Character "&" is reserved and must be escaped as "&amp;"', this.i);
    }
    this.out += decoded.char;
    this.i += decoded.length;
  }

  private readName(): string {
    const { src } = this;
    const begin = this.i;
    while (this.i < src.length && !isSpace(src[this.i]) && src[this.i] !== '>') this.i += 1;
    return src.slice(begin, this.i).toLowerCase();
  }

  private skipSpaces(): void {
    while (isSpace(this.src[this.i])) this.i += 1;
  }

  private startTag(): void {
    const { src } = this;
    const begin = this.i;
    this.i += 1;
    const name = this.readName();
    if (this.i >= src.length) this.fail('Unclosed start tag', begin);
    if (!SUPPORTED_TAGS.has(name)) this.fail(`Unsupported start tag "${name}"`, begin);
    const attributes = this.attributes(name, begin);
    if (name === 'span' && attributes.get('class') !== 'tg-spoiler') {
      this.fail('Tag "span" must have class "tg-spoiler"', begin);
    }
    this.i += 1; // past '>'
    const parent = this.stack.at(-1);
    const language = /^language-(.+)$/.exec(attributes.get('class') ?? '')?.[1];
    if (name === 'code' && parent?.name === 'pre' && language !== undefined) {
      parent.language = language;
    }
    this.stack.push({ name, start: this.out.length, attributes });
  }

  private attributes(tag: string, begin: number): Map<string, string> {
    const { src } = this;
    const attributes = new Map<string, string>();
    for (;;) {
      this.skipSpaces();
      if (this.i >= src.length) this.fail('Unclosed start tag', begin);
      if (src[this.i] === '>') return attributes;
      const nameBegin = this.i;
      while (this.i < src.length && !isSpace(src[this.i]) && !'=>'.includes(src[this.i] ?? '')) {
        this.i += 1;
      }
      const name = src.slice(nameBegin, this.i).toLowerCase();
      if (name === '') this.fail(`Empty attribute name in the tag "${tag}"`, begin);
      this.skipSpaces();
      if (src[this.i] !== '=') {
        attributes.set(name, '');
        continue;
      }
      this.i += 1;
      this.skipSpaces();
      attributes.set(name, this.attributeValue(begin));
    }
  }

  private attributeValue(tagBegin: number): string {
    const { src } = this;
    const quote = src[this.i];
    if (quote === undefined) this.fail('Unclosed start tag', tagBegin);
    if (quote !== '"' && quote !== "'") {
      const tokenBegin = this.i;
      while (/[A-Za-z0-9.-]/.test(src[this.i] ?? '')) this.i += 1;
      if (!isSpace(src[this.i]) && src[this.i] !== '>') {
        this.fail('Unexpected end of name token', tokenBegin);
      }
      return src.slice(tokenBegin, this.i).toLowerCase();
    }
    const valueBegin = this.i;
    this.i += 1;
    let value = '';
    while (this.i < src.length && src[this.i] !== quote) {
      const decoded = src[this.i] === '&' ? decodeEntity(src, this.i) : undefined;
      value += decoded?.char ?? src[this.i];
      this.i += decoded?.length ?? 1;
    }
    if (this.i >= src.length) this.fail('Unclosed start tag', valueBegin);
    this.i += 1; // past the closing quote
    return value;
  }

  private endTag(): void {
    const { src } = this;
    const begin = this.i;
    this.i += 2;
    const open = this.stack.pop();
    if (open === undefined) this.fail('Unexpected end tag', begin);
    const name = this.readName();
    this.skipSpaces();
    if (src[this.i] !== '>') this.fail('Unclosed end tag', begin);
    if (name !== '' && name !== open.name) {
      const at = `at byte offset ${this.byteOffset(begin)}`;
      throw new HtmlError(
        `Unmatched end tag ${at}, expected "</${open.name}>", found "</${name}>"`,
      );
    }
    this.i += 1;
    this.close(open);
  }

  private add(entity: MessageEntity): void {
    this.entities.push({ entity, depth: this.stack.length });
  }

  private close(tag: OpenTag): void {
    const offset = tag.start;
    const length = this.out.length - tag.start;
    const simple = SIMPLE_ENTITY[tag.name];
    const parent = this.stack.at(-1);
    if (tag.name === 'code' && parent?.name === 'pre' && parent.language !== undefined) return;
    if (simple !== undefined) {
      this.add({ type: simple, offset, length });
    } else if (tag.name === 'pre') {
      this.add(
        tag.language === undefined
          ? { type: 'pre', offset, length }
          : { type: 'pre', offset, length, language: tag.language },
      );
    } else if (tag.name === 'blockquote') {
      const type = tag.attributes.has('expandable') ? 'expandable_blockquote' : 'blockquote';
      this.add({ type, offset, length });
    } else if (tag.name === 'a') {
      const url = tag.attributes.get('href');
      if (url) this.add({ type: 'text_link', offset, length, url });
    } else if (tag.name === 'tg-emoji') {
      const id = tag.attributes.get('emoji-id');
      if (id) this.add({ type: 'custom_emoji', offset, length, custom_emoji_id: id });
    }
  }
}
