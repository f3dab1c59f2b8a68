// Stored responses in a Redis every router shares: a response created on one router is continued,
// read or deleted on any other. One key per record, with its own hash tag, so each command stays in
// one slot of a Redis Cluster:
//   <ns>:{r:<respId>}   the record's JSON text (store.ts, owner first), SET with PX ttlMs
// A delete checks the owner and deletes in one script on that one key.
import type { Redis } from 'ioredis';
import { decodeRecord, encodeRecord, ownerPrefix, type NewRecord, type ResponseRecord, type ResponseStore } from './store.js';

/** The commands the store uses; a single node's client and a cluster's both have them. */
export type ResponsesRedis = Pick<Redis, 'get' | 'set' | 'eval'>;

/** Deletes the record only when its text starts with the caller's owner prefix: another key's record is left alone. */
const DELETE_OWNED = "local v = redis.call('GET', KEYS[1]) if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

export class RedisResponseStore implements ResponseStore {
  readonly kind = 'redis';

  constructor(
    private readonly redis: ResponsesRedis,
    private readonly prefix: string,
    private readonly maxEntryBytes: number,
    private readonly closeClient: () => Promise<void>,
  ) {}

  async put(id: string, record: NewRecord, ttlMs: number): Promise<boolean> {
    const text = encodeRecord(record);
    if (Buffer.byteLength(text) > this.maxEntryBytes) return false;
    try {
      await this.redis.set(this.key(id), text, 'PX', ttlMs);
    } catch (error) {
      // The client is answered `store: false`, yet a Redis stalled past the command timeout still runs
      // the SET on resume. The owner's delete, sent at once on the same connection, runs after it, if it
      // runs at all (fire and forget: with Redis away it fails as the SET did).
      this.redis.eval(DELETE_OWNED, 1, this.key(id), ownerPrefix(record.owner)).catch(() => {});
      throw error;
    }
    return true;
  }

  async get(id: string, owner: string): Promise<ResponseRecord | null> {
    const text = await this.redis.get(this.key(id));
    return text === null ? null : decodeRecord(text, owner);
  }

  async delete(id: string, owner: string): Promise<boolean> {
    return (await this.redis.eval(DELETE_OWNED, 1, this.key(id), ownerPrefix(owner))) === 1;
  }

  close(): Promise<void> {
    return this.closeClient();
  }

  key(id: string): string {
    return `${this.prefix}:{r:${id}}`;
  }
}
