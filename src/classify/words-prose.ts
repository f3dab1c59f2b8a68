// Word lists about the shape of a request: small talk, explanation, supplied text, reasoning,
// constraints, creative writing, answer length. They support the structural signals, never replace
// them: each list is short and carries a few other major languages where that is cheap.
import { lexicon } from './lexicon.js';

/** Greetings, thanks, acknowledgements, farewells: a turn made only of these is small talk. */
export const CHAT = lexicon(
  [
    'hi', 'hello', 'hey', 'hiya', 'howdy', 'yo', 'good (?:morning|afternoon|evening|night)', 'thanks?', 'thank you',
    'thx', 'ty', 'cheers', 'ok(?:ay)?', 'k', 'great', 'cool', 'nice', 'awesome', 'perfect', 'got it', 'understood',
    'sounds good', 'bye', 'goodbye', 'see you', 'later', 'regards', 'how are you(?: doing)?', "how'?s it going",
    "what'?s up", 'yes', 'yeah', 'yep', 'no', 'nope', 'sure', 'please', 'so much', 'a lot', 'very much', 'lol',
    "you'?re (?:the best|welcome|awesome|great)", 'that (?:helps|works|helped|worked|fixed it)', "that(?:'s| is| was)",
    'it works', 'really', 'very', 'helpful', 'useful', 'there', 'again',
    'bonjour', 'bonsoir', 'salut', 'coucou', 'merci(?: beaucoup)?', 'au revoir', 'à bientôt', "d'accord", 'ça va',
    'comment (?:ça va|vas-tu|allez-vous)', 'oui', 'non', 'parfait', 'super',
    'hola', 'buen(?:os|as) (?:días|tardes|noches)', '(?:muchas )?gracias', 'adiós', 'hasta luego', 'vale', 'sí',
    'qué tal', 'cómo estás', 'perfecto', 'genial', 'hallo', 'guten (?:morgen|tag|abend)', 'danke(?: schön| sehr)?',
    'vielen dank', 'tschüss', 'auf wiedersehen', 'ja', 'nein', "wie geht(?:'s| es dir)", 'alles klar',
    'olá', 'oi', 'obrigad[oa]', 'tchau', 'tudo bem', 'bom dia', 'boa (?:tarde|noite)', 'ciao', 'grazie',
    'buongiorno', 'arrivederci', 'va bene', 'привет', 'здравствуйте', 'спасибо', 'пока', 'да', 'нет',
  ],
  ['你好', '您好', '谢谢', '多谢', '再见', '好的', '没问题', '早上好', '晚上好', '嗨', 'こんにちは', 'こんばんは',
    'おはよう', 'ありがとうございます', 'ありがとう', 'さようなら', 'はい', 'いいえ', '안녕하세요', '감사합니다', '고마워'],
);

/** Requests for explanation, discussion, comparison, advice: open-ended prose, more than a fact. */
export const EXPLAIN = lexicon(
  [
    'explain\\p{L}*', 'describe', 'discuss', 'elaborate', 'compare', 'contrast', 'summari[sz]e', 'outline',
    'what if', 'pros and cons', '(?:dis)?advantages', 'differences? between', 'impacts?', 'implications?',
    'how (?:can|could|should)', 'how do (?:i|we|one)', 'explanation', 'tips', 'advice', 'suggest', 'recommend\\p{L}*', 'ideas',
    'ways to', 'list of', 'what are (?:some|the (?:main|major|key))', 'why', 'imagine', 'pretend',
    'act as', 'persona', 'role of', 'insights?', 'brainstorm\\p{L}*', 'think up', 'factors', 'considerations?',
    'challenges', 'strateg(?:y|ies)', 'benefits', 'effects? (?:of|on)', 'affect\\p{L}*', 'influenc\\p{L}*', 'shape',
    'importance', 'significance', 'how (?:does|do|can|could|would) (?:\\p{L}+ ){1,6}(?:work|help|change|differ)',
    'expliqu\\p{L}*', 'décri\\p{L}*', 'pourquoi', 'résum\\p{L}*', 'explic\\p{L}*', 'describ\\p{L}*', 'por qué',
    'resum\\p{L}*', 'erklär\\p{L}*', 'beschreib\\p{L}*', 'warum', 'wieso', 'vergleich\\p{L}*', 'descrev\\p{L}*',
    'por que', 'spiega\\p{L}*', 'perché', 'объясн\\p{L}*', 'почему', 'опиш\\p{L}*',
  ],
  ['解释', '说明', '描述', '为什么', '如何', '比较', '总结', '介绍', '説明', 'なぜ', '比較', '要約'],
);

/** Supplied material to read: extraction, classification or QA over a given text (moderate work). */
export const GIVEN_TEXT = lexicon(
  [
    '(?:following|given|this|these|the|below|above|presented)(?: \\p{L}+)?(?: \\p{L}+)? (?:texts?|passages?|paragraphs?|articles?|context|reviews?|sentences?|documents?|excerpts?|emails?|transcripts?|reference text|data)',
    'context:', 'text:', 'passage:', 'article:', 'extract\\p{L}*', 'classify', 'categori[sz]e', 'pick one category',
    'identify the', 'the following:',
    'texte suivant', 'texto siguiente', 'folgenden text', 'extrai\\p{L}*', 'extrae\\p{L}*', 'clasific\\p{L}*',
    'classifi\\p{L}*', 'extrahier\\p{L}*',
  ],
  ['以下文本', '下面的文字', '提取', '分类', '以下の文章', '抽出'],
);

/** Asking for reasoning, planning or analysis rather than recall. */
export const MULTI_STEP = lexicon(
  [
    'step[- ]by[- ]step', 'explain your (?:reasoning|answer)', 'show (?:your|the) work', 'reasoning', 'think (?:carefully|through)',
    'walk (?:me|the reader) through', 'justify', 'derive', 'prove', 'analy[sz]e', 'design', 'architect\\p{L}*',
    'optimi[sz]\\p{L}*', 'trade-?offs?', 'critique', 'debug', 'troubleshoot',
    '(?:and|,) then', 'after that', 'if (?:\\S+ ){1,8}then', 'suppose', 'assum\\p{L}*', 'if so', 'estimat\\p{L}*',
    'plan', 'itinerary', 'roadmap', 'curriculum', 'otherwise', 'improve\\p{L}*',
    'paso a paso', 'étape par étape', 'schritt für schritt', 'analiz\\p{L}*', 'analys\\p{L}*', 'diseñ\\p{L}*',
    'concevoir', 'entwirf', 'entwerfen', 'шаг за шагом', 'проанализ\\p{L}*',
  ],
  ['一步一步', '逐步', '分析', '设计', '推导', '优化', 'ステップ', '設計', '最適化'],
);

/** Explicit constraints on the answer. */
export const CONSTRAINTS = lexicon(
  [
    'must', 'make sure', 'ensure', 'without', 'at least', 'at most', 'exactly', 'no more than', 'no less than',
    'only', 'do not', "don'?t", 'never', 'always', 'avoid', 'include', 'including', 'in the (?:form|format|style)',
    'format', 'output', 'return', 'limit', 'maximum', 'minimum', 'each', 'every', 'should', 'while',
    'highlight\\p{L}*', 'focus(?:ing)? on', 'rhym\\p{L}*', 'stanzas?', 'verses?', 'syllables?', 'in the style of', 'tone',
    'point of view', 'twist', 'vivid\\p{L}*', 'told from', 'met(?:er|re)', 'pentameter', 'acrostic', 'allitera\\p{L}*',
    '(?:first|second|third)[- ]person', 'perspective',
    'debe\\p{L}*', 'sin', 'al menos', 'exactamente', 'doit', 'sans', 'au moins', 'exactement', 'muss', 'ohne',
    'mindestens', 'genau', 'должен', 'без', 'не менее',
  ],
  ['必须', '不要', '至少', '不能', '只能', '必ず', '以上', 'しないで'],
);

/** Creative writing asked for: a writing verb then a genre, or a request phrased as "a <genre> where…". */
const GENRES = [
  'poem', 'poetry', 'story', 'stories', 'song', 'lyrics', 'script', 'screenplay', 'essay', 'article', 'blog post',
  'novel', 'chapter', 'scene', 'speech', 'sonnet', 'haiku', 'limerick', 'lipogram', 'rap', 'ballad', 'fable', 'tale',
  'dialogue', 'monologue', 'e-?mail', 'letter', 'cover letter', 'report', 'tweet', 'review', 'poème', 'poema', 'gedicht', 'histoire', 'historia', 'geschichte', 'cuento', 'canción',
  'chanson', 'lied', 'стих\\p{L}*', 'рассказ',
].join('|');
const WRITE = 'write|compose|create|draft|craft|generate|make|produce|give me|tell me|escrib\\p{L}*|écri\\p{L}*|schreib\\p{L}*|scriv\\p{L}*|напиш\\p{L}*';
export const CREATIVE = lexicon(
  [`(?:${WRITE}) (?:\\S+ ){0,5}(?:${GENRES})`, `^(?:an?|the) (?:\\S+ ){0,3}(?:${GENRES})`],
  ['写一首', '写一篇', '写一个故事', '诗', '小说', '歌词', '剧本', '物語', '小説'],
);

/** Asking for a long answer with a number: "1000 words", "at least 5 paragraphs", "3000字". */
export const LONG_OUTPUT_COUNT = lexicon(
  [
    '(?:[3-9]\\d\\d|\\d{1,2},?\\d{3})[- ]?(?:words?|palabras|mots|wörter|parole|palavras|слов\\p{L}*)',
    '(?:at least |minimum of |over )?(?:[3-9]|\\d\\d+) (?:paragraphs|pages|sections|chapters|stanzas|verses)',
  ],
  ['[3-9]\\d{2,3}字', '\\d{4}字'],
);

/** Asking for a long answer in words: "in detail", "comprehensive". */
export const LONG_OUTPUT_CUE = lexicon(
  [
    'in (?:great |more |full )?detail', 'detailed', 'comprehensive', 'thorough(?:ly)?', 'in[- ]depth', 'extensive\\p{L}*',
    'long[- ]form', 'verbose', 'en détail', 'détaillé\\p{L}*', 'en detalle', 'detallad\\p{L}*', 'ausführlich\\p{L}*',
    'detailliert\\p{L}*', 'dettagliat\\p{L}*', 'подробн\\p{L}*',
  ],
  ['详细', '詳しく', '詳細'],
);
