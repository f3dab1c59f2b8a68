// Which Redis errors make the client reconnect: a write a replica refused, however it is worded.
// test/integration/redis-demoted-primary.test.ts shows the reconnect itself against real servers
// (Redis 7 here); Redis 6 words a script's refused write inside the script's error (the
// "Error running script (call to f_<sha>): @user_script:…" form of redis.io's EVAL_RO example), and
// managed services still run it.
import t from 'tap';
import { READONLY } from './redis-connection.js';

t.test('a write refused by a replica, alone or inside a script error, is READONLY; other errors are not', async (t) => {
  const refused = [
    "READONLY You can't write against a read only replica.",
    "ERR Error running script (call to f_8b1e9c7a3d2f4e5b6a7c8d9e0f1a2b3c4d5e6f70): @user_script:1: @user_script: 1: -READONLY You can't write against a read only replica.",
  ];
  const others = [
    'NOSCRIPT No matching script. Please use EVAL.',
    "ERR wrong number of arguments for 'hset' command",
    'Command timed out',
    'LOADING Redis is loading the dataset in memory',
    "ERR Error running script (call to f_0): @user_script:1: user_script:1: Script attempted to access nonexistent global variable 'readonlyish'",
  ];
  for (const message of refused) t.ok(READONLY.test(message), message);
  for (const message of others) t.notOk(READONLY.test(message), message);
});
