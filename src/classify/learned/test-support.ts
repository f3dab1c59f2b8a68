// A small fixed training set for the learned classifier's tests: a few requests per class, enough
// for the model to separate them, small enough to train in milliseconds.
import type { Complexity } from '../classification.js';
import type { TrainingExample } from './contract.js';

const user = (content: string, label: Complexity): TrainingExample => ({ body: { messages: [{ role: 'user', content }] }, label });

export const TEST_EXAMPLES: readonly TrainingExample[] = [
  user('hi there!', 'simple'),
  user('thanks, that helped a lot', 'simple'),
  user('what is the capital of france', 'simple'),
  user('who wrote hamlet?', 'simple'),
  user('你好', 'simple'),
  user('how many grams in a pound', 'simple'),
  user('Explain how vaccines train the immune system.', 'moderate'),
  user('Compare TCP and UDP in a short paragraph.', 'moderate'),
  user('Summarize the following text: The meeting moved to Tuesday because the room was booked.', 'moderate'),
  user('Write a short email asking my landlord to fix the heater.', 'moderate'),
  user('请解释一下光合作用的过程。', 'moderate'),
  user('What are the pros and cons of remote work?', 'moderate'),
  user('Prove that there are infinitely many primes.', 'complex'),
  user('Implement a token-bucket rate limiter in Rust with tests and explain its concurrency model.', 'complex'),
  user('A train leaves at 3pm at 60 km/h; another leaves at 4pm at 80 km/h. When does the second catch up, and how far have they gone?', 'complex'),
  user('Design a distributed cache for 10M users with failover, consistency trade-offs and a cost estimate.', 'complex'),
  user('```python\ndef f(x):\n    return x[0] + g(x)\n```\nThis raises IndexError on empty lists; fix it and refactor for performance.', 'complex'),
  user('x+y = 4z, x*y = 4z^2, express x-y in z', 'complex'),
  {
    body: {
      messages: [
        { role: 'system', content: 'You are a senior engineer.' },
        { role: 'user', content: 'Write a lock-free queue in C++.' },
        { role: 'assistant', content: '```cpp\ntemplate <typename T> class Queue { /* ... */ };\n```' },
        { role: 'user', content: 'thanks!!' },
      ],
    },
    label: 'simple',
  },
  {
    body: { messages: [{ role: 'user', content: 'Plan a 3-step migration of our billing database.' }], tools: [{ type: 'function', function: { name: 'sql' } }], max_tokens: 4096 },
    label: 'complex',
  },
];
