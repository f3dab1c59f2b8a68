// The x-request-id an attempt sends to its replica. vLLM takes that header as its engine request id
// (serving_engine.py `_base_request_id`) and refuses a second request under an id still running
// ("Request id … already running.", v1/engine/output_processor.py), so the caller's id cannot go
// upstream as it is: two clients (or one client's retries) reusing an id would fail each other.
// Each attempt gets `<request id>.<router instance>.<sequence>`: the caller's id first, so an
// engine's logs still join up with the caller's trace; an instance tag, so routers sharing
// replicas never collide; a counter, so ids are unique without a random draw per attempt. The
// request id is already sane (request-id.ts: at most 128 of [\w.:-]), so the whole stays in that
// alphabet and under 150 characters.
import { randomBytes } from 'node:crypto';

const INSTANCE = randomBytes(4).toString('hex');
let sequence = 0;

export function upstreamRequestId(requestId: string): string {
  sequence = sequence === Number.MAX_SAFE_INTEGER ? 1 : sequence + 1;
  return `${requestId}.${INSTANCE}.${sequence.toString(36)}`;
}
