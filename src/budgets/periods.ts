// UTC calendar buckets. Every router derives the same bucket id from the same instant, so buckets line
// up across replicas without coordination; ids are readable (`2024-02-29T23:59`, `2024-02-29`,
// `2024-02`) because they appear in Redis key names and admin output.
import type { BucketIds, Period } from './types.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// Every request needs the current bucket ids and their ends; both change once a minute at most, so
// they are computed once and remembered (the budget path runs per request).
let idsMinute = Number.NaN;
let idsOfMinute: BucketIds = { minute: '', day: '', month: '' };
// Per period, keyed by the id string itself: ids come from the shared bucketIds object, so lookups
// hash a string V8 has hashed before instead of building a new key per call.
const endsById: Record<Period, Map<string, number | null>> = { minute: new Map(), day: new Map(), month: new Map(), lifetime: new Map() };

/** The bucket ids of the instant `now` (a frozen object shared by every caller in the same minute). */
export function bucketIds(now: number): BucketIds {
  const minute = Math.floor(now / MINUTE_MS);
  if (minute !== idsMinute) {
    const iso = new Date(now).toISOString();
    idsOfMinute = Object.freeze({ minute: iso.slice(0, 16), day: iso.slice(0, 10), month: iso.slice(0, 7) });
    idsMinute = minute;
  }
  return idsOfMinute;
}

/** The id of `period`'s bucket in a set of bucket ids; lifetime has one bucket forever. */
export function bucketOf(period: Period, ids: BucketIds): string {
  return period === 'lifetime' ? 'lifetime' : ids[period];
}

/** When the bucket `id` of `period` ends (exclusive), in epoch ms; null for lifetime. */
export function bucketEnd(period: Period, id: string): number | null {
  const ends = endsById[period];
  const known = ends.get(id);
  if (known !== undefined) return known;
  const end = computeEnd(period, id);
  if (ends.size >= 256) ends.clear();
  ends.set(id, end);
  return end;
}

function computeEnd(period: Period, id: string): number | null {
  switch (period) {
    case 'lifetime':
      return null;
    case 'minute':
      return parse(period, id, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, `${id}:00.000Z`) + MINUTE_MS;
    case 'day':
      return parse(period, id, /^\d{4}-\d{2}-\d{2}$/, `${id}T00:00:00.000Z`) + DAY_MS;
    case 'month': {
      const start = new Date(parse(period, id, /^\d{4}-\d{2}$/, `${id}-01T00:00:00.000Z`));
      // Date.UTC rolls month 12 over into January of the next year, and knows every month's length.
      return Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1);
    }
  }
}

/** When the bucket that contains `now` ends; null for lifetime. */
export function periodEnd(period: Period, now: number): number | null {
  return bucketEnd(period, bucketOf(period, bucketIds(now)));
}

function parse(period: Period, id: string, shape: RegExp, iso: string): number {
  const start = shape.test(id) ? Date.parse(iso) : Number.NaN;
  // Date.parse accepts 2023-02-30 on some engines by rolling over; reject ids that do not round-trip.
  if (Number.isNaN(start) || !new Date(start).toISOString().startsWith(id)) {
    throw new RangeError(`not a ${period} bucket id: "${id}"`);
  }
  return start;
}
