// Reads a request body with a hard size limit, then parses it as JSON once: checked in the order
// that costs least first (declared size, content type, size as read, UTF-8, JSON, nesting depth).
import { rememberSource } from '../openai/body-source.js';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { clipClientText } from '../openai/client-text.js';
import { RouterError } from '../openai/errors.js';
import { ClientGone } from '../proxy/request-lifetime.js';

/**
 * Deepest nesting of arrays and objects accepted. JSON.parse takes any depth, but the walks after it
 * (JSON.stringify on the way upstream, the classifier) recurse and would overflow the stack: a 500.
 * Python engines refuse bodies nested past ~1000 levels too; no real request comes near this.
 */
export const MAX_JSON_DEPTH = 512;

export interface ReadJsonOptions {
  /**
   * Refuse (415) a body declared as something other than JSON, as vLLM's FastAPI does: `text/plain`,
   * or the form type `curl -d` sends without `-H content-type:`. A body without a content type is read
   * as JSON (FastAPI does the same), so hand-written clients that send none keep working.
   */
  readonly requireJsonType?: boolean;
}

export async function readJsonBody(req: IncomingMessage, maxBytes: number, options: ReadJsonOptions = {}): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (options.requireJsonType === true) checkContentType(req.headers['content-type']);
  checkContentEncoding(req.headers['content-encoding']);
  checkTransferCoding(req.headers['transfer-encoding']);
  const body = await readLimited(req, maxBytes);
  if (body.length === 0) throw new RouterError('invalid_json', 'The request body is empty; expected a JSON object.');
  // JSON is UTF-8 (RFC 8259 section 8.1); decoding other bytes would silently turn them into U+FFFD.
  if (!isUtf8(body)) throw new RouterError('invalid_json', 'The request body is not valid UTF-8; JSON must be sent as UTF-8.');
  let parsed: unknown;
  const text = body.toString('utf8');
  try {
    parsed = JSON.parse(text);
  } catch (thrown) {
    const detail = thrown instanceof SyntaxError ? ` (${thrown.message})` : '';
    throw new RouterError('invalid_json', `We could not parse the JSON body of your request${detail}.`);
  }
  // A body shorter than the limit cannot nest deeper than it: most requests skip the scan.
  if (body.length > MAX_JSON_DEPTH && nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw new RouterError('invalid_json', `The JSON body of your request is nested deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  // Forwarded as written, the router's changes spliced in (src/openai/body-source.ts).
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) rememberSource(parsed, text);
  return parsed;
}

/**
 * Bodies are read as sent: a compressed one (`Content-Encoding: gzip`) would otherwise be refused as
 * broken UTF-8, which names the wrong problem. `identity` is no coding at all.
 */
function checkContentEncoding(header: string | undefined): void {
  if (header === undefined) return;
  const coding = header.trim().toLowerCase();
  if (coding === '' || coding === 'identity') return;
  throw new RouterError(
    'unsupported_media_type',
    `Unsupported content encoding '${clipClientText(coding, 100)}': send the JSON body uncompressed.`,
    // The body is never read: closing the connection stops the client from sending the rest of it.
    { headers: { connection: 'close' } },
  );
}

/**
 * node:http undoes only `chunked`: a body sent with another transfer coding before it (`gzip, chunked`)
 * would be read still compressed. Refused as a compressed body is.
 */
function checkTransferCoding(header: string | undefined): void {
  if (header === undefined) return;
  for (const part of header.split(',')) {
    const coding = part.trim().toLowerCase();
    if (coding === '' || coding === 'chunked' || coding === 'identity') continue;
    throw new RouterError('unsupported_media_type', `Unsupported transfer coding '${clipClientText(coding, 100)}': send the JSON body uncompressed.`, {
      headers: { connection: 'close' },
    });
  }
}

/** Media types read as JSON: `application/json` and `application/*+json` (RFC 6839), any parameters. */
function checkContentType(header: string | undefined): void {
  if (header === undefined || header === 'application/json') return;
  const semicolon = header.indexOf(';');
  const type = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  if (type === '' || type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return;
  throw new RouterError(
    'unsupported_media_type',
    `Unsupported content type '${clipClientText(type, 100)}': send the JSON body with 'Content-Type: application/json'.`,
    // The body is never read: closing the connection stops the client from sending the rest of it.
    { headers: { connection: 'close' } },
  );
}

/** Scans valid JSON (it has been parsed) for nesting deeper than `max`; brackets in strings do not count. */
function nestsDeeperThan(body: Buffer, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // a backslash: the next byte is escaped
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > max) return true;
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return false;
}

function readLimited(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop reading; the 413 goes out with `connection: close` so the rest is never buffered.
        cleanup();
        req.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (error: unknown): void => {
      // The client went away mid-upload (no one is left to answer), or client-error.ts answered the
      // upload's stall or bad framing through this request's response and failed the read with that
      // answer (a 408, a 400), which the request then ends with.
      cleanup();
      reject(error instanceof RouterError ? error : new ClientGone());
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(maxBytes: number): RouterError {
  return new RouterError('body_too_large', `The request body is larger than the limit of ${maxBytes} bytes.`, {
    headers: { connection: 'close' },
  });
}
