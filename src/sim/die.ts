// faults.dieAfterRequests: a replica that crashes after serving N requests.
//
// An inference request counts once its body is read. When the Nth is counted the listener closes at
// once (new connections get ECONNREFUSED); the Nth request itself is still answered in full, with
// `Connection: close`, and when its response ends every open socket is destroyed, cutting any other
// request still in flight. A later request arriving on a connection that was still open in between
// is cut without an answer.

import type { Server, ServerResponse } from 'node:http';
import type { Faults } from './faults.js';
import type { SimState } from './state.js';

/** Returns the check run for every inference request: false when the replica is already dead. */
export function acceptor(server: Server, faults: Faults, state: SimState): (res: ServerResponse) => boolean {
  return (res) => {
    const turn = faults.admit();
    if (turn === 'dead') {
      res.destroy();
      return false;
    }
    state.acceptedTotal++;
    if (turn === 'last') {
      res.setHeader('connection', 'close');
      server.close();
      res.once('close', () => server.closeAllConnections());
    }
    return true;
  };
}
