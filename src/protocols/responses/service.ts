// The router's stored responses as the request path uses them: reads that fail become a 503 in the
// client's envelope, and a write that fails is logged and answered as not stored, never an error
// after the answer was made.
import { RouterError } from '../../openai/errors.js';
import type { Logger } from '../../observability/logger.js';
import { isResponseId } from './ids.js';
import type { NewRecord, ResponseRecord, ResponseStore } from './store.js';

export class ResponsesService {
  constructor(
    readonly store: ResponseStore,
    private readonly logger: Logger,
  ) {}

  /** The record `id` of `owner`; null when there is none for this owner. Throws a 503 when the store fails. */
  async find(id: string, owner: string): Promise<ResponseRecord | null> {
    if (!isResponseId(id)) return null;
    try {
      return await this.store.get(id, owner);
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Deletes `owner`'s record `id`; false when there was none. Throws a 503 when the store fails. */
  async remove(id: string, owner: string): Promise<boolean> {
    if (!isResponseId(id)) return false;
    try {
      return await this.store.delete(id, owner);
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Keeps a finished response; false when it was not kept (too large, or the store failed: logged). */
  async keep(id: string, record: NewRecord, ttlMs: number): Promise<boolean> {
    try {
      return await this.store.put(id, record, ttlMs);
    } catch (error) {
      this.logger.warn({ err: error, responseId: id }, 'a response could not be stored');
      return false;
    }
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

function unavailable(cause: unknown): RouterError {
  return new RouterError('response_store_unavailable', 'Stored responses cannot be read right now; try again shortly.', {
    cause,
    headers: { 'retry-after': '1' },
  });
}
