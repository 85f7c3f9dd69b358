import { parseDocument } from 'yaml';
for (const t of ['a: 1\na: 2\n', 'a: [1, 2\nb: 3', 'x: "unterminated\n', '', '- 1\n- 2', 'a:\n\tb: 1']) {
  const d = parseDocument(t, { prettyErrors: true });
  console.log(JSON.stringify(t), d.errors.map((e) => [e.code, e.linePos, e.message.split('\n')[0]]), JSON.stringify(d.toJS()));
}
