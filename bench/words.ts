/**
 * `npm run bench:words`: what the moderation word filter costs a send. Durable sends per second
 * through the domain (MessagingService with its content screening → SendQueue →
 * PostgresMessageStore) into a scratch PostgreSQL database, with empty word lists and with 10,000
 * words (block and mask), in alternating rounds of one run so that both see the same machine;
 * plus the matcher alone (microseconds per message). Target: ≥ 0.9× the sends/s with no words.
 *
 * PostgreSQL: PARLEY_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 * Knobs: BENCH_MESSAGES (per round), BENCH_ROUNDS, BENCH_PRODUCERS, BENCH_USERS.
 */
import pino from 'pino';
import { createScratchDatabase } from './scratch-database.js';
import { loadConfig } from '../apps/server/src/config.js';
import { WordMatcher, type WordLists } from '../apps/server/src/domain/safety/word-matcher.js';
import { systemClock } from '../apps/server/src/ports/clock.js';
import { createRealtimeBackends } from '../apps/server/src/realtime/realtime-backends.js';
import { ContentScreening } from '../apps/server/src/services/content-screening.js';
import { DeliveryService } from '../apps/server/src/services/delivery-service.js';
import { MessagePublisher } from '../apps/server/src/services/message-publisher.js';
import { MessagingService } from '../apps/server/src/services/messaging-service.js';
import { ModerationWords } from '../apps/server/src/services/moderation-words.js';
import { SendBudget } from '../apps/server/src/services/send-budget.js';
import { SessionRegistry } from '../apps/server/src/services/session-registry.js';
import { MemoryBlobStore } from '../apps/server/src/storage/blob-store.js';
import { openDatabase } from '../apps/server/src/storage/open-database.js';
import { PostgresConversationStore } from '../apps/server/src/storage/postgres-conversation-store.js';
import { PostgresMediaStore } from '../apps/server/src/storage/postgres-media-store.js';
import { PostgresMessageStore } from '../apps/server/src/storage/postgres-message-store.js';
import { PostgresSafetyStore } from '../apps/server/src/storage/postgres-safety-store.js';
import { PostgresUserSettingsStore } from '../apps/server/src/storage/postgres-user-settings-store.js';

const SERVER_URL = process.env.PARLEY_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 1024);
const USERS = Number(process.env.BENCH_USERS ?? 2000);

/** A deterministic generator, so every run sends the same messages and lists the same words. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const HANZI = '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴急';
const SYLLABLES = ['ka', 'lo', 'mi', 'zu', 'te', 'ra', 'shi', 'no', 'xu', 'qi', 'ban', 'dor', 'fen', 'gup', 'hix', 'jov'];

/** Ten thousand words nobody writes: the filter scans for all of them and finds none. */
function wordLists(count: number): WordLists {
  const next = random(7);
  const words = new Set<string>();
  while (words.size < count) {
    const word =
      next() < 0.5
        ? Array.from({ length: 3 + Math.floor(next() * 3) }, () => SYLLABLES[Math.floor(next() * SYLLABLES.length)]).join('') + 'zq'
        : Array.from({ length: 3 + Math.floor(next() * 2) }, () => HANZI[Math.floor(next() * HANZI.length)]).join('') + '㐀';
    words.add(word);
  }
  const all = [...words];
  return { block: all.slice(0, count / 2), mask: all.slice(count / 2) };
}

/** Everyday chat lines of 10–60 characters, Chinese and English, some with numbers. */
function chatLines(count: number): string[] {
  const next = random(11);
  const english = ['see you at', 'the train leaves', 'dinner tomorrow?', 'I loved that film', 'ok', 'haha', 'running late, sorry', 'price was'];
  return Array.from({ length: count }, (_, i) => {
    if (next() < 0.4) return `${english[Math.floor(next() * english.length)]} ${Math.floor(next() * 2000)} ${i}`;
    return Array.from({ length: 10 + Math.floor(next() * 40) }, () => HANZI[Math.floor(next() * HANZI.length)]).join('') + (next() < 0.3 ? ` ${Math.floor(next() * 100)}点` : '');
  });
}

function pair(i: number): [number, number] {
  const a = (i % USERS) + 1;
  const b = ((i + 1 + Math.floor(i / USERS) * 7) % USERS) + 1;
  return a === b ? [a, (b % USERS) + 1] : [a, b];
}

async function main(): Promise<void> {
  const lines = chatLines(5000);
  const big = wordLists(10_000);

  // The matcher alone.
  for (const [name, lists] of [
    ['0 words', { block: [], mask: [] }],
    ['10,000 words', big],
  ] as const) {
    const matcher = WordMatcher.compile(lists);
    const compileStarted = process.hrtime.bigint();
    WordMatcher.compile(lists);
    const compileMs = Number(process.hrtime.bigint() - compileStarted) / 1e6;
    let found = 0;
    for (const line of lines) found += matcher.find(line).length; // warm-up
    const started = process.hrtime.bigint();
    for (let r = 0; r < 10; r++) for (const line of lines) found += matcher.find(line).length;
    const microseconds = Number(process.hrtime.bigint() - started) / 1e3 / (lines.length * 10);
    console.log(`matcher, ${name.padEnd(12)}: ${microseconds.toFixed(2)} µs per message, compile ${compileMs.toFixed(1)} ms, matches ${found}`);
  }

  const database = await createScratchDatabase(SERVER_URL, 'words');
  const db = await openDatabase({ databaseUrl: database.url, dataDir: 'memory://' });
  const config = loadConfig({ PARLEY_DATA_DIR: 'memory://', PARLEY_SEND_RATE: '1000000000', PARLEY_SEND_BURST: '1000000', LOG_LEVEL: 'silent' });
  const realtime = await createRealtimeBackends(config, pino({ level: 'silent' }));
  const safetyStore = new PostgresSafetyStore(db);
  const words = new ModerationWords(safetyStore, (error) => console.error(error));
  try {
    await words.start(60_000);
    const delivery = new DeliveryService(realtime.bus, new SessionRegistry());
    const service = new MessagingService({
      messages: new PostgresMessageStore(db),
      settings: new PostgresUserSettingsStore(db),
      conversations: new PostgresConversationStore(db),
      media: new PostgresMediaStore(db, new MemoryBlobStore()),
      budget: new SendBudget(realtime.sendLimiter),
      publisher: new MessagePublisher(delivery),
      delivery,
      clock: systemClock,
      mediaUrl: (key) => `/media/${key}`,
      batch: { maxBatch: config.writeBatchMax, concurrency: config.writeConcurrency },
      screening: new ContentScreening({ contactGuard: config.safety.contactGuard, words, store: safetyStore }),
    });
    await db.query('INSERT INTO users (id) SELECT g FROM generate_series(1, $1::int) g', [USERS]);
    let sequence = 0;
    const round = async (): Promise<number> => {
      let sent = 0;
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: PRODUCERS }, async (_, producer) => {
          while (sent < MESSAGES) {
            sent++;
            const i = sequence++;
            const [a, b] = pair((i * 7919) % (USERS * 2));
            const [from, to] = i % 2 ? [a, b] : [b, a];
            await service.send(from, { receiverId: to, messageType: 'TEXT', content: lines[i % lines.length]!, clientMsgId: `${producer}-${i}` });
          }
        }),
      );
      return MESSAGES / (Number(process.hrtime.bigint() - started) / 1e9);
    };
    console.log(`\nPostgreSQL, batched; ${MESSAGES} sends per round, ${PRODUCERS} producers, ${USERS} users, contact guard ${config.safety.contactGuard}`);
    await words.replace({ block: [], mask: [] });
    await round(); // warm-up: creates the conversations
    const results = { none: [] as number[], full: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      await words.replace({ block: [], mask: [] });
      results.none.push(await round());
      await words.replace(big);
      results.full.push(await round());
      console.log(`round ${r + 1}: 0 words ${Math.round(results.none[r]!)} sends/s, 10,000 words ${Math.round(results.full[r]!)} sends/s`);
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    const [none, full] = [median(results.none), median(results.full)];
    console.log(`\nmedian: 0 words ${Math.round(none).toLocaleString('en-US')} sends/s, 10,000 words ${Math.round(full).toLocaleString('en-US')} sends/s: ${(full / none).toFixed(2)}× (target ≥ 0.9×)`);
  } finally {
    words.stop();
    await realtime.close();
    await db.close();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
