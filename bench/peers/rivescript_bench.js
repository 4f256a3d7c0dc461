// Peer: rivescript-js with a generated 300-trigger brain, replying to the same workload.
// Usage: node rivescript_bench.js TURNS.jsonl  -> one JSON line of figures on stdout.
const fs = require("fs");
const RiveScript = require("rivescript");

const words = ["useless", "lazy", "pathetic", "failure", "weak", "burden", "mess", "broken", "tired", "sore"];
const verbs = ["am", "feel", "look", "seem", "became", "was"];
let brain = "! version = 2.0\n\n";
let n = 0;
for (const v of verbs) {
  for (const w of words) {
    for (const shape of ["i " + v + " " + w, "i " + v + " so " + w, "i " + v + " * " + w, "* i " + v + " " + w, "i " + v + " [so] " + w + " *"]) {
      if (n >= 299) break;
      brain += `+ ${shape}\n- It sounds like you feel ${w}. What would you say to a friend?\n\n`;
      n++;
    }
  }
}
brain += "+ *\n- Tell me more.\n";

async function main() {
  const lines = fs.readFileSync(process.argv[2], "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const bot = new RiveScript({ utf8: true });
  bot.stream(brain);
  bot.sortReplies();
  const limit = Math.min(lines.length, Number(process.env.PEER_TURNS || 20000));
  const start = process.hrtime.bigint();
  for (let i = 0; i < limit; i++) await bot.reply(lines[i].user, lines[i].text);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ peer: "rivescript-js", triggers: n + 1, turns: limit, seconds, turns_per_second: limit / seconds }));
}
main();
