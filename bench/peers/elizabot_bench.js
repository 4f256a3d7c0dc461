// Peer: elizabot (no per-user state), replying to the same workload.
// Usage: node elizabot_bench.js TURNS.jsonl  -> one JSON line of figures on stdout.
const fs = require("fs");
const ElizaBot = require("elizabot");

const lines = fs.readFileSync(process.argv[2], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const eliza = new ElizaBot(true);
const start = process.hrtime.bigint();
for (const l of lines) eliza.transform(l.text);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ peer: "elizabot", turns: lines.length, seconds, turns_per_second: lines.length / seconds }));
