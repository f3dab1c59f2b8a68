// Bytes a store keeps for minutes or hours as buffers of their own (idempotency answers, the Redis
// store's decoded entries, native recordings) hold only themselves. Node serves Buffer.allocUnsafe,
// Buffer.from and Buffer.concat under 4 KB from a shared 8 KB slab, and a body undici hands over in
// one chunk is a view of the socket read it arrived in: a kept view keeps its whole ArrayBuffer alive.
// A full memory cache of 3.8 KB streamed answers once held an 8 KB slab each, twice the memory it
// counted against maxBytes (it now copies its entries into pages: arena.ts).

/** `bytes` when it is the whole of its ArrayBuffer, else a copy that is. */
export function keptBytes(bytes: Buffer): Buffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes;
  const own = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(own);
  return own;
}

/** `parts` joined into a buffer of its own: Buffer.concat, never from the shared slab. */
export function keptJoin(parts: readonly Buffer[], total: number): Buffer {
  if (parts.length === 1 && parts[0]!.length === total) return keptBytes(parts[0]!);
  const own = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (const part of parts) at += part.copy(own, at);
  return own;
}
