// Reads a request body with a hard size limit, then parses it as JSON once.
import type { IncomingMessage } from 'node:http';
import { RouterError } from '../openai/errors.js';
import { ClientGone } from '../proxy/request-lifetime.js';

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const body = await readLimited(req, maxBytes);
  if (body.length === 0) throw new RouterError('invalid_json', 'The request body is empty; expected a JSON object.');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (thrown) {
    const detail = thrown instanceof SyntaxError ? ` (${thrown.message})` : '';
    throw new RouterError('invalid_json', `We could not parse the JSON body of your request${detail}.`);
  }
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
    const onError = (): void => {
      // The client went away mid-upload; there is no one left to answer.
      cleanup();
      reject(new ClientGone());
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
