// The key registry in Redis: records by id and ids by secret hash, both in the `{keys}` slot so each
// registry change is one atomic script (a rotated secret never leaves a stale hash behind).
import type { Result } from 'ioredis';
import { attempt, type RedisClient } from './redis-connection.js';
import type { RedisLayout } from './redis-layout.js';
import type { KeyPrecondition } from './store.js';
import type { KeyRecord } from './types.js';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    switchyardPutKey(records: string, byHash: string, revisions: string, id: string, json: string, hash: string, mode: string, expected: string): Result<string | number, Context>;
    switchyardFindKey(records: string, byHash: string, revisions: string, hash: string): Result<[string, string] | null, Context>;
    switchyardGetKey(records: string, revisions: string, id: string): Result<[string, string] | null, Context>;
    switchyardDeleteKey(records: string, byHash: string, id: string): Result<number, Context>;
  }
}

/**
 * Stores the record if ARGV[4]'s precondition holds (`any`; `absent`: no record of the id; `same`: the
 * record stored is ARGV[5], byte for byte). Replies the record's new revision (1 or more) when stored,
 * 0 when the precondition failed, or the id of another key that already has this hash.
 */
const PUT = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[4] == 'absent' and old then return 0 end
if ARGV[4] == 'same' and old ~= ARGV[5] then return 0 end
local owner = redis.call('HGET', KEYS[2], ARGV[3])
if owner and owner ~= ARGV[1] then return owner end
if old then
  local oldHash = cjson.decode(old).hash
  if oldHash ~= ARGV[3] then redis.call('HDEL', KEYS[2], oldHash) end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
return redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
`;

/**
 * One round trip for the lookup every request's authentication makes: the record and its revision
 * (the store checks the enforced copy of its limits against it), or nil.
 */
const FIND = `
local id = redis.call('HGET', KEYS[2], ARGV[1])
if not id then return false end
local record = redis.call('HGET', KEYS[1], id)
if not record then return false end
return { record, redis.call('HGET', KEYS[3], id) or '0' }
`;

/** The record of id ARGV[1] and its revision, or nil. */
const GET = `
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return false end
return { record, redis.call('HGET', KEYS[2], ARGV[1]) or '0' }
`;

/** A record as read, with the revision it was written at. */
export interface RevisedKey {
  readonly record: KeyRecord;
  readonly revision: number;
}

const DELETE = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
redis.call('HDEL', KEYS[2], cjson.decode(old).hash)
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
`;

export class RedisRegistry {
  constructor(
    private readonly client: RedisClient,
    private readonly layout: RedisLayout,
  ) {
    client.defineCommand('switchyardPutKey', { lua: PUT, numberOfKeys: 3 });
    client.defineCommand('switchyardFindKey', { lua: FIND, numberOfKeys: 3, readOnly: true });
    client.defineCommand('switchyardGetKey', { lua: GET, numberOfKeys: 2, readOnly: true });
    client.defineCommand('switchyardDeleteKey', { lua: DELETE, numberOfKeys: 2 });
  }

  /** The record's new revision once stored; null, writing nothing, when the precondition does not hold. */
  async put(key: KeyRecord, precondition?: KeyPrecondition): Promise<number | null> {
    const [mode, expected] = precondition === undefined ? ['any', ''] : 'absent' in precondition ? ['absent', ''] : ['same', JSON.stringify(precondition.current)];
    const { records, byHash, revisions } = { records: this.layout.records(), byHash: this.layout.byHash(), revisions: this.layout.revisions() };
    const reply = await attempt('putKey', () => this.client.switchyardPutKey(records, byHash, revisions, key.id, JSON.stringify(key), key.hash, mode, expected));
    if (typeof reply === 'string') throw new Error(`key hash already belongs to key "${reply}"`);
    return reply === 0 ? null : reply;
  }

  async get(id: string): Promise<RevisedKey | null> {
    return revised(await attempt('getKey', () => this.client.switchyardGetKey(this.layout.records(), this.layout.revisions(), id)));
  }

  async findByHash(hash: string): Promise<RevisedKey | null> {
    return revised(await attempt('findKeyByHash', () => this.client.switchyardFindKey(this.layout.records(), this.layout.byHash(), this.layout.revisions(), hash)));
  }

  async list(): Promise<KeyRecord[]> {
    const all = await attempt('listKeys', () => this.client.hvals(this.layout.records()));
    return all.map((json) => JSON.parse(json) as KeyRecord);
  }

  /** False when there was no such key. */
  async remove(id: string): Promise<boolean> {
    return (await attempt('deleteKey', () => this.client.switchyardDeleteKey(this.layout.records(), this.layout.byHash(), id))) === 1;
  }
}

/** Records are written only by put(), from a KeyRecord, so their shape is ours. */
function revised(reply: [string, string] | null): RevisedKey | null {
  return reply === null ? null : { record: JSON.parse(reply[0]) as KeyRecord, revision: Number(reply[1]) };
}
