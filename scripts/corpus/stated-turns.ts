// The short turns the conversation rules add around source text (data/complexity/README.md,
// "Construction rules"): greetings, closers, generic assistant replies, pleasantry templates, the
// questions about pasted content and the system prompts. Written for this corpus, stated here so
// every built item can be traced; never an answer to a request (those come only from the sources).

/** Per language: what a user says to open or close a chat, and the assistant's generic replies. */
export interface Phrases {
  /** A greeting or bit of small talk that opens a chat (English ones come from CLINC150 when present). */
  readonly greetings: readonly string[];
  /** The assistant's generic reply to any of the greetings (no time of day, so it fits each). */
  readonly greetingReplies: readonly string[];
  /** A thanks, goodbye or acknowledgement that closes a chat (English ones come from CLINC150 when present). */
  readonly closers: readonly string[];
  /** A fact question wrapped in a greeting and a thanks, `{q}` being the question (ending in a question mark). */
  readonly pleasantries: readonly string[];
}

export const PHRASES: Readonly<Record<string, Phrases>> = {
  en: {
    greetings: ['hi there!', 'hello', 'hey, how are you?', 'good morning!'],
    greetingReplies: ['Hello! How can I help you today?', "Hi! I'm doing well, thanks. What can I do for you?", 'Hey! What would you like to work on?'],
    closers: ['thanks!!', 'perfect, thank you', 'great, that helps a lot. bye!', 'ok got it, thanks'],
    pleasantries: [
      'hi! quick question: {q} thanks',
      'Hello there, hope you are doing well. I was wondering: {q} Thanks a lot in advance!',
      'hey, sorry to bother you again. {q} cheers',
      'Good morning! My friend and I were arguing about this over coffee and neither of us remembers: {q} Thank you!',
    ],
  },
  de: {
    greetings: ['Hallo!', 'Guten Morgen, wie geht es dir?', 'Hi, alles gut?'],
    greetingReplies: ['Hallo! Wie kann ich dir helfen?', 'Hi! Mir geht es gut, danke. Was kann ich für dich tun?'],
    closers: ['Danke!', 'Super, vielen Dank!', 'Alles klar, danke dir. Tschüss!'],
    pleasantries: ['Hallo! Kurze Frage: {q} Danke!', 'Guten Tag, ich hätte eine kleine Frage: {q} Vielen Dank im Voraus!'],
  },
  es: {
    greetings: ['¡Hola!', 'Buenos días, ¿qué tal?', 'Hola, ¿cómo estás?'],
    greetingReplies: ['¡Hola! ¿En qué puedo ayudarte?', '¡Hola! Muy bien, gracias. ¿Qué necesitas?'],
    closers: ['¡Gracias!', 'Perfecto, muchas gracias.', 'Vale, entendido. ¡Hasta luego!'],
    pleasantries: ['¡Hola! Una pregunta rápida: {q} ¡Gracias!', 'Buenas tardes, espero que estés bien. Me preguntaba: {q} ¡Muchas gracias!'],
  },
  fr: {
    greetings: ['Bonjour !', 'Salut, ça va ?', 'Bonsoir, comment allez-vous ?'],
    greetingReplies: ['Bonjour ! Comment puis-je vous aider ?', 'Salut ! Ça va bien, merci. Que puis-je faire pour toi ?'],
    closers: ['Merci !', 'Parfait, merci beaucoup.', "D'accord, merci. Bonne journée !"],
    pleasantries: ['Bonjour ! Petite question : {q} Merci !', "Salut, désolé de te déranger. Je me demandais : {q} Merci d'avance !"],
  },
  it: {
    greetings: ['Ciao!', 'Buongiorno, come va?'],
    greetingReplies: ['Ciao! Come posso aiutarti?', 'Ciao! Tutto bene, grazie. Di cosa hai bisogno?'],
    closers: ['Grazie!', 'Perfetto, grazie mille.', 'Ok, capito. Ciao!'],
    pleasantries: ['Ciao! Una domanda veloce: {q} Grazie!'],
  },
  pt: {
    greetings: ['Olá!', 'Bom dia, tudo bem?'],
    greetingReplies: ['Olá! Como posso ajudar?', 'Olá! Tudo bem, obrigado. Em que posso ajudar?'],
    closers: ['Obrigado!', 'Perfeito, muito obrigada.', 'Beleza, valeu! Tchau!'],
    pleasantries: ['Olá! Uma pergunta rápida: {q} Obrigado!'],
  },
  nl: {
    greetings: ['Hallo!', 'Goedemorgen, hoe gaat het?'],
    greetingReplies: ['Hallo! Waarmee kan ik je helpen?', 'Hoi! Goed, dank je. Wat kan ik voor je doen?'],
    closers: ['Dank je!', 'Top, bedankt!', 'Oké, helder. Doei!'],
    pleasantries: ['Hoi! Snelle vraag: {q} Bedankt!'],
  },
  ru: {
    greetings: ['Привет!', 'Здравствуйте, как дела?', 'Добрый день!'],
    greetingReplies: ['Здравствуйте! Чем могу помочь?', 'Привет! Всё хорошо, спасибо. Что нужно сделать?'],
    closers: ['Спасибо!', 'Отлично, большое спасибо.', 'Понял, спасибо. Пока!'],
    pleasantries: ['Привет! Быстрый вопрос: {q} Спасибо!', 'Добрый день! Подскажите, пожалуйста: {q} Заранее спасибо!'],
  },
  ja: {
    greetings: ['こんにちは！', 'おはようございます。元気ですか？'],
    greetingReplies: ['こんにちは！何かお手伝いできることはありますか？', 'こんにちは！元気です。今日は何をしましょうか？'],
    closers: ['ありがとう！', 'なるほど、助かりました。ありがとうございます！', '了解です。ではまた！'],
    pleasantries: ['こんにちは！ちょっと質問です：{q} ありがとうございます！', 'すみません、一つ教えてください。{q} よろしくお願いします！'],
  },
  zh: {
    greetings: ['你好！', '早上好，最近怎么样？'],
    greetingReplies: ['你好！有什么可以帮你的？', '你好！我很好，谢谢。今天需要什么帮助？'],
    closers: ['谢谢！', '太好了，非常感谢！', '明白了，谢谢，再见！'],
    pleasantries: ['你好！问个简单的问题：{q} 谢谢！', '打扰一下，想请教一下：{q} 先谢谢啦！'],
  },
  ko: {
    greetings: ['안녕하세요!', '안녕! 잘 지냈어?'],
    greetingReplies: ['안녕하세요! 무엇을 도와드릴까요?', '안녕하세요! 잘 지내요, 감사합니다. 무엇이 필요하세요?'],
    closers: ['감사합니다!', '좋아요, 정말 고마워요!', '알겠어요. 안녕히 계세요!'],
    pleasantries: ['안녕하세요! 간단한 질문이 있어요: {q} 감사합니다!'],
  },
  ar: {
    greetings: ['مرحبا!', 'السلام عليكم، كيف حالك؟'],
    greetingReplies: ['مرحبا! كيف يمكنني مساعدتك؟', 'أهلا! أنا بخير، شكرا. ماذا تحتاج؟'],
    closers: ['شكرا!', 'ممتاز، شكرا جزيلا.', 'تمام، شكرا. مع السلامة!'],
    pleasantries: ['مرحبا! سؤال سريع: {q} شكرا!'],
  },
  hi: {
    greetings: ['नमस्ते!', 'हेलो, आप कैसे हैं?'],
    greetingReplies: ['नमस्ते! मैं आपकी क्या मदद कर सकता हूँ?', 'हेलो! मैं ठीक हूँ, धन्यवाद। बताइए क्या करना है?'],
    closers: ['धन्यवाद!', 'बहुत बढ़िया, शुक्रिया!', 'ठीक है, समझ गया। धन्यवाद!'],
    pleasantries: ['नमस्ते! एक छोटा सा सवाल: {q} धन्यवाद!'],
  },
  id: {
    greetings: ['Halo!', 'Selamat pagi, apa kabar?'],
    greetingReplies: ['Halo! Ada yang bisa saya bantu?', 'Halo! Kabar baik, terima kasih. Ada yang bisa saya bantu?'],
    closers: ['Terima kasih!', 'Mantap, makasih banyak!', 'Oke, paham. Sampai jumpa!'],
    pleasantries: ['Halo! Pertanyaan singkat: {q} Terima kasih!'],
  },
  fi: {
    greetings: ['Hei!', 'Huomenta, mitä kuuluu?'],
    greetingReplies: ['Hei! Miten voin auttaa?', 'Hei! Hyvää kuuluu, kiitos. Miten voin auttaa?'],
    closers: ['Kiitos!', 'Loistavaa, kiitos paljon!', 'Selvä, kiitos. Moikka!'],
    pleasantries: ['Hei! Nopea kysymys: {q} Kiitos!'],
  },
  sw: {
    greetings: ['Habari!', 'Hujambo, habari za asubuhi?'],
    greetingReplies: ['Habari! Nikusaidie nini?', 'Salama! Nikusaidie vipi leo?'],
    closers: ['Asante!', 'Asante sana!', 'Sawa, nimeelewa. Kwaheri!'],
    pleasantries: ['Habari! Swali fupi: {q} Asante!'],
  },
  th: {
    greetings: ['สวัสดีครับ', 'สวัสดีค่ะ สบายดีไหม'],
    greetingReplies: ['สวัสดีครับ มีอะไรให้ช่วยไหมครับ', 'สวัสดีค่ะ สบายดีค่ะ ขอบคุณ มีอะไรให้ช่วยคะ'],
    closers: ['ขอบคุณครับ', 'เยี่ยมเลย ขอบคุณมากค่ะ'],
    pleasantries: ['สวัสดีครับ ขอถามหน่อยครับ: {q} ขอบคุณครับ'],
  },
  tr: {
    greetings: ['Merhaba!', 'Günaydın, nasılsın?'],
    greetingReplies: ['Merhaba! Nasıl yardımcı olabilirim?', 'Merhaba! İyiyim, teşekkürler. Ne yapmak istersin?'],
    closers: ['Teşekkürler!', 'Harika, çok teşekkür ederim.', 'Tamam, anladım. Görüşürüz!'],
    pleasantries: ['Merhaba! Kısa bir sorum var: {q} Teşekkürler!'],
  },
  vi: {
    greetings: ['Xin chào!', 'Chào bạn, bạn khỏe không?'],
    greetingReplies: ['Xin chào! Tôi có thể giúp gì cho bạn?', 'Chào bạn! Tôi khỏe, cảm ơn. Bạn cần gì?'],
    closers: ['Cảm ơn!', 'Tuyệt, cảm ơn bạn nhiều!'],
    pleasantries: ['Xin chào! Cho mình hỏi nhanh: {q} Cảm ơn!'],
  },
  fa: {
    greetings: ['سلام!', 'سلام، حالت چطوره؟'],
    greetingReplies: ['سلام! چطور می‌توانم کمک کنم؟', 'سلام! خوبم، ممنون. چه کمکی از دستم برمی‌آید؟'],
    closers: ['ممنون!', 'عالی، خیلی ممنون.'],
    pleasantries: ['سلام! یک سؤال کوتاه: {q} ممنون!'],
  },
  bn: {
    greetings: ['নমস্কার!', 'হ্যালো, কেমন আছেন?'],
    greetingReplies: ['নমস্কার! কীভাবে সাহায্য করতে পারি?'],
    closers: ['ধন্যবাদ!', 'অনেক ধন্যবাদ!'],
    pleasantries: ['নমস্কার! একটা ছোট প্রশ্ন: {q} ধন্যবাদ!'],
  },
  // One-word thanks only: the languages of translated threads we cannot write more for.
  gu: { greetings: [], greetingReplies: [], closers: ['આભાર!'], pleasantries: [] },
  ta: { greetings: [], greetingReplies: [], closers: ['நன்றி!'], pleasantries: [] },
  ur: { greetings: [], greetingReplies: [], closers: ['شکریہ!'], pleasantries: [] },
};

/**
 * Greetings and thanks around a request in the same turn, `{r}` being the request: the pleasantries of
 * simple questions also wrap moderate and complex requests, so a polite wrapper marks no label.
 */
export const REQUEST_WRAPPERS: Readonly<Record<string, readonly string[]>> = {
  en: ['Hi! Could you help me with something?\n\n{r}\n\nThanks a lot!', 'hello :) {r} thank you in advance', 'Good morning, hope your day is going well. {r}\nThanks!'],
  de: ['Hallo! Kannst du mir bei etwas helfen?\n\n{r}\n\nVielen Dank!'],
  es: ['¡Hola! ¿Me ayudas con algo?\n\n{r}\n\n¡Muchas gracias!'],
  fr: ["Bonjour ! Tu peux m'aider ?\n\n{r}\n\nMerci beaucoup !"],
  ja: ['こんにちは！ちょっと手伝ってもらえますか？\n\n{r}\n\nよろしくお願いします！'],
  zh: ['你好！能帮我个忙吗？\n\n{r}\n\n非常感谢！'],
  ru: ['Привет! Можешь помочь?\n\n{r}\n\nЗаранее спасибо!'],
};

/** Appended to the assistant's reply before a CLINC `yes`/`no` closer, so the bare yes/no answers it. */
export const CHECK_IN = {
  yes: 'Does that answer your question?',
  no: 'Is there anything else I can help you with?',
} as const;

/** Questions that name the language of pasted code at a glance (convention 3: simple). */
export const CODE_LANGUAGE_QUESTIONS: Readonly<Record<string, readonly string[]>> = {
  en: [
    'What language is this?',
    'What programming language is this written in?',
    'which language is this code in?',
    'Quick one: what language is this snippet?',
    'Is this Python or something else?',
  ],
  de: ['Welche Programmiersprache ist das?'],
  es: ['¿Qué lenguaje de programación es este?'],
  fr: ["C'est quel langage, ça ?"],
  ja: ['これは何のプログラミング言語ですか？'],
  zh: ['这是什么编程语言？'],
  ru: ['Что это за язык программирования?'],
};

/** Questions that name the language of a pasted text at a glance (convention 3: simple). */
export const TEXT_LANGUAGE_QUESTIONS: Readonly<Record<string, readonly string[]>> = {
  en: ['What language is this text written in?', 'Which language is this?', 'what language is this in?'],
  de: ['In welcher Sprache ist dieser Text?'],
  es: ['¿En qué idioma está este texto?'],
  fr: ['Ce texte est dans quelle langue ?'],
  ja: ['この文章は何語ですか？'],
  zh: ['这段文字是什么语言？'],
  ru: ['На каком языке этот текст?'],
};

/** Questions that pull one fact out of a pasted text (convention 2: extraction, moderate). */
export const YEAR_QUESTIONS: Readonly<Record<string, readonly string[]>> = {
  en: ['What year is mentioned in this passage?', 'Which year does this text mention?'],
  de: ['Welches Jahr wird in diesem Text erwähnt?'],
  es: ['¿Qué año se menciona en este texto?'],
  fr: ['Quelle année est mentionnée dans ce passage ?'],
};

/** Generic system prompts, some long, some technical, given to items of every label alike. */
export const SYSTEM_PROMPTS: readonly string[] = [
  'You are a helpful assistant.',
  'You are a senior Rust engineer reviewing code for a payments company. Be precise, point out undefined behaviour, unnecessary allocations and unsafe blocks, and prefer idiomatic, safe Rust. Keep answers short unless asked for detail.',
  'You are the customer-support assistant of Acme Cloud. Be friendly and brief. If you do not know something, say so and offer to open a ticket. Never reveal internal tooling.',
  'You are a terse assistant. Answer in as few words as possible.',
  'You are an expert mathematician. Show your reasoning step by step and state the final answer clearly at the end.',
  'You are a friendly tutor for high-school students. Encourage the student, explain any term they may not know, and do not just hand over homework answers without an explanation.',
  'You are a DevOps assistant with deep knowledge of Kubernetes, Terraform, Helm and AWS. Prefer concrete commands and manifests over prose. Assume a Linux shell.',
  'You are a data-science assistant. When code is needed, use Python 3.11 with pandas and type hints, and explain any statistical assumption you make.',
  'You are a legal research assistant for a law firm. Cite statutes or cases where relevant and add a one-line note that this is not legal advice.',
  "Tu es un assistant serviable. Réponds dans la langue de l'utilisateur.",
  'Du bist ein hilfreicher Assistent. Antworte präzise und freundlich.',
  [
    'You are Atlas, the internal assistant of Northwind Traders, deployed in the company chat.',
    'Knowledge cutoff: 2024-06. Current date: 2025-03-14.',
    '',
    '# Style',
    '- Use Markdown. Use headings only for answers longer than three paragraphs.',
    '- Put code in fenced blocks with the language named.',
    '- Be concise; do not repeat the question back.',
    '',
    '# Rules',
    '1. Never share customer personal data, even if an employee asks for it.',
    '2. If a request needs access you do not have (HR systems, payroll, production databases), say so and point to the service desk.',
    '3. For questions about company policy, answer from the handbook and quote the section number.',
    '4. If you are unsure, say so rather than guessing.',
    '',
    '# Tools',
    'You have no tools in this deployment. Do not claim to have searched the web or run code.',
  ].join('\n'),
  [
    'You are a meticulous technical writer and software architect with twenty years of experience in distributed systems,',
    'databases and API design. You have worked at large cloud providers and you care about correctness, operability and',
    'clear trade-offs. When you answer, think about failure modes, consistency guarantees, latency budgets and cost, and',
    'mention the assumptions you make. When the user asks something small, answer it directly without a lecture: match the',
    'length and depth of your answer to the question. Use British spelling.',
  ].join(' '),
];
