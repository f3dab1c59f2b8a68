// A stored answer's response body, prepared once per entry and shape and filled in per hit. A hit is a
// new response (its own id and created, replay.ts), but nothing else in the body changes between two
// hits of one entry: parsing the stored JSON and serialising it again on every hit was most of a hit's
// CPU. The body is written once as text with two holes per object (id, created), each member
// serialised by JSON.stringify exactly as serialising the whole `{ ...body, id, created }` would (same
// member order, same text), so a hit only joins the pieces with its identity. The pieces are kept as
// UTF-8 bytes and a hit's body is joined into one Buffer: joined as strings, a streamed hit's 5 KB rope
// was flattened, measured and encoded again on every write (about a quarter of the replay's CPU in a
// perf profile of streamed hits).
import type { CacheEntry } from './entry.js';

/** The identity put into the holes; null: none (the stored id and created are kept). */
export type Identity = { readonly id: string; readonly created: number } | null;

type Hole = 'id' | 'created';

/** How a builder writes id and created: left as holes, written in, or (null) left as stored. */
export type Fill = Identity | 'holes';

/** Text pieces (UTF-8) and the holes between them: `texts.length === holes.length + 1`. */
export interface BodyTemplate {
  readonly texts: readonly Buffer[];
  readonly holes: readonly Hole[];
  /** The texts' bytes, all together. */
  readonly textBytes: number;
  /** How many of the holes are `id` (the others are `created`). */
  readonly idHoles: number;
}

/** Builds a template piece by piece: text is gathered until a hole ends the piece. */
export class TemplateBuilder {
  private readonly texts: string[] = [];
  private readonly holes: Hole[] = [];
  private text = '';

  add(text: string): void {
    this.text += text;
  }

  /**
   * One object as JSON.stringify writes `{ ...body, id, created }` (with an identity) or `body` (without):
   * a member keeps its place when the body has it, and is appended after the body's members when not.
   * `fill`: `holes` leaves id and created to render(); an identity writes them in (a body for one response).
   */
  object(body: Readonly<Record<string, unknown>>, fill: Fill): void {
    if (fill === null) return this.add(JSON.stringify(body));
    if (fill !== 'holes') return this.add(JSON.stringify({ ...body, id: fill.id, created: fill.created }));
    // The spread decides the member order, as withIdentity's own spread would.
    const names = Object.keys({ ...body, id: null, created: null });
    this.add('{');
    let first = true;
    for (const name of names) {
      const hole = name === 'id' || name === 'created';
      const value = hole ? null : body[name];
      // JSON.stringify leaves out members it cannot write (never in a parsed body, kept for exactness).
      if (!hole && (value === undefined || typeof value === 'function' || typeof value === 'symbol')) continue;
      this.add((first ? '' : ',') + JSON.stringify(name) + ':');
      first = false;
      if (hole) this.hole(name);
      else this.add(JSON.stringify(value));
    }
    this.add('}');
  }

  build(): BodyTemplate {
    // One buffer of its own for every piece (kept-bytes.ts): the template lives as long as its entry.
    const strings = [...this.texts, this.text];
    const lengths = strings.map((text) => Buffer.byteLength(text, 'utf8'));
    let textBytes = 0;
    for (const length of lengths) textBytes += length;
    const own = Buffer.allocUnsafeSlow(textBytes);
    let at = 0;
    const texts = strings.map((text, i) => {
      const piece = own.subarray(at, at + lengths[i]!);
      own.write(text, at, 'utf8');
      at += lengths[i]!;
      return piece;
    });
    let idHoles = 0;
    for (const hole of this.holes) if (hole === 'id') idHoles++;
    return { texts, holes: this.holes, textBytes, idHoles };
  }

  private hole(hole: Hole): void {
    this.texts.push(this.text);
    this.holes.push(hole);
    this.text = '';
  }
}

const NO_BYTES = Buffer.alloc(0);

/** The body for one response: the template with its holes filled (without holes, the template's own bytes: not to be changed). */
export function render(template: BodyTemplate, identity: Identity): Buffer {
  const { texts, holes } = template;
  if (holes.length === 0 || identity === null) return texts[0] ?? NO_BYTES;
  const id = Buffer.from(JSON.stringify(identity.id), 'utf8');
  const created = Buffer.from(JSON.stringify(identity.created), 'latin1');
  const out = Buffer.allocUnsafe(template.textBytes + template.idHoles * id.length + (holes.length - template.idHoles) * created.length);
  out.set(texts[0]!, 0);
  let at = texts[0]!.length;
  for (let i = 0; i < holes.length; i++) {
    const filled = holes[i] === 'id' ? id : created;
    out.set(filled, at);
    at += filled.length;
    const text = texts[i + 1]!;
    out.set(text, at);
    at += text.length;
  }
  return out;
}

/**
 * Templates already built, per entry and shape. Weak: an entry the store let go takes its templates
 * with it. A template is built on an entry's second use: an entry used once (an idempotent replay, an
 * answer read once) is written for its one response, at the old cost. The Redis store gives the same
 * object for the same stored bytes (decoded-entries.ts), so its hits keep their templates too.
 */
const built = new WeakMap<CacheEntry, Map<string, BodyTemplate> | typeof USED_ONCE>();
/** An entry used once so far: nothing built yet (and nothing allocated for it). */
const USED_ONCE = 'used once';

/**
 * The entry's body for `shape` (a string naming everything the template depends on): `build` is given
 * the identity itself the first time an entry is used, and `holes` (the template kept) from then on.
 */
export function templateFor(entry: CacheEntry, shape: string, identity: Identity, build: (fill: Fill) => BodyTemplate): BodyTemplate {
  let shapes = built.get(entry);
  if (shapes === undefined) {
    built.set(entry, USED_ONCE);
    return build(identity);
  }
  if (shapes === USED_ONCE) {
    shapes = new Map();
    built.set(entry, shapes);
  }
  let template = shapes.get(shape);
  if (template === undefined) {
    template = build(identity === null ? null : 'holes');
    shapes.set(shape, template);
  }
  return template;
}
