// The three inference endpoints, by name: a module of its own so that both the request parser and
// the field rules it applies can name them without importing each other.
export type Endpoint = 'chat' | 'completions' | 'embeddings';
