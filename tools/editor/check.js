// The editor schemas as an editor sees them: the YAML language server (yaml-language-server,
// what VS Code, Neovim, Helix and Zed run) with the mapping of .vscode/settings.json.
//   node tools/editor/check.js REPO      (NODE_PATH: where yaml-language-server is installed)
// Checks: every bundled dialogues file has a schema and no diagnostic; every invalid fixture
// gets one; hovering a key shows its description; completion offers a state's keys.
'use strict';
const fs = require('fs');
const path = require('path');
const picomatch = require('picomatch');
const { getLanguageService } = require('yaml-language-server');
const { TextDocument } = require('vscode-languageserver-textdocument');
const { URI } = require('vscode-uri');

const repo = path.resolve(process.argv[2] || '.');
const problems = [];

function service(schemas) {
  const ls = getLanguageService({
    schemaRequestService: async (uri) => fs.readFileSync(URI.parse(uri).fsPath, 'utf8'),
    workspaceContext: {
      resolveRelativePath: (rel, res) => URI.file(path.resolve(path.dirname(URI.parse(res).fsPath), rel)).toString(),
    },
  });
  ls.configure({ validate: true, hover: true, completion: true, yamlVersion: '1.2', schemas });
  return ls;
}

function yamlFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  }).sort();
}

function document(file, text) {
  return TextDocument.create(URI.file(file).toString(), 'yaml', 1, text ?? fs.readFileSync(file, 'utf8'));
}

// The shipped mapping, with its globs made absolute (the extension does this for a workspace).
const settings = JSON.parse(fs.readFileSync(path.join(repo, '.vscode/settings.json'), 'utf8'));
const mapping = Object.entries(settings['yaml.schemas']).map(([schema, globs]) => ({
  uri: URI.file(path.join(repo, schema)).toString(),
  fileMatch: globs.map((glob) => path.join(repo, glob)),
  matches: picomatch(globs.map((glob) => path.join(repo, glob))),
}));
const editor = service(mapping.map(({ uri, fileMatch }) => ({ uri, fileMatch })));

async function checkBundled() {
  const files = yamlFiles(path.join(repo, 'dialogues'));
  for (const file of files) {
    if (!mapping.some((m) => m.matches(file))) {
      problems.push(`${path.relative(repo, file)}: no schema in .vscode/settings.json matches it; add its folder there`);
      continue;
    }
    for (const d of await editor.doValidation(document(file), false)) {
      problems.push(`${path.relative(repo, file)}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`);
    }
  }
  return files.length;
}

async function checkInvalid() {
  const dir = path.join(repo, 'tests/fixtures/schema/invalid');
  const schema = (name) => URI.file(path.join(repo, 'dialogues/schema', name)).toString();
  const fixtures = service([
    { uri: schema('reframe-test.schema.json'), fileMatch: [path.join(dir, 'tests/**/*.yaml')] },
    { uri: schema('reframe.schema.json'), fileMatch: [path.join(dir, '*.yaml')] },
  ]);
  const files = yamlFiles(dir);
  for (const file of files) {
    if ((await fixtures.doValidation(document(file), false)).length === 0) {
      problems.push(`${path.relative(repo, file)}: the editor accepts this file, but it must be refused`);
    }
  }
  return files.length;
}

async function checkHoverAndCompletion() {
  const file = path.join(repo, 'dialogues/flows/new.yaml');
  const text = 'flow: new\nstart: ask\nstates:\n  ask:\n    say: "Hello."\n    \n    on:\n      - goto: ask\n';
  const doc = document(file, text);
  const hover = await editor.doHover(doc, { line: 4, character: 5 });
  if (!hover || !String(hover.contents.value).includes('What to say on arriving')) {
    problems.push(`hovering \`say\` in a state does not show its description: ${JSON.stringify(hover)}`);
  }
  const hoverGoto = await editor.doHover(doc, { line: 7, character: 9 });
  if (!hoverGoto || !String(hoverGoto.contents.value).includes('Go to a state of this flow')) {
    problems.push(`hovering \`goto\` in a rule does not show its description: ${JSON.stringify(hoverGoto)}`);
  }
  const labels = (await editor.doComplete(doc, { line: 5, character: 4 }, false)).items.map((i) => i.label);
  for (const key of ['options', 'fallback', 'next', 'end']) {
    if (!labels.includes(key)) problems.push(`completion in a state does not offer \`${key}\`: ${labels.join(' ')}`);
  }
}

(async () => {
  const bundled = await checkBundled();
  const invalid = await checkInvalid();
  await checkHoverAndCompletion();
  for (const p of problems) console.log(`editor check: ${p}`);
  console.log(`editor check: ${bundled} bundled file(s), ${invalid} invalid fixture(s), hover and completion` +
              (problems.length ? ` — ${problems.length} problem(s)` : ' — ok'));
  process.exit(problems.length ? 1 : 0);
})().catch((e) => {
  console.log(`editor check: ${e.stack || e}`);
  process.exit(1);
});
