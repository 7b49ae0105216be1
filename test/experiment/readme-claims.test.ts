/**
 * README's "The recorded experiment" against the runs in data/: every command output it quotes is what the
 * command prints on data/ now, every number its claims table quotes is printed by the command that row
 * names, and the claims it makes in words (signs, orders of magnitude) hold in the logs themselves.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { acrossRuns, analyzeDataset, compareMethods, ingest, readMethodRuns, type MethodSummary } from '../../src/index.ts';
import { block, commandLine, commandOutput, EXPERIMENT_COMMANDS, LAW_RUNS } from '../../scripts/experiment-readme.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(`${ROOT}README.md`, 'utf8');

/** README's section on the experiment, up to the next section. */
function experimentSection(): string {
  const start = README.indexOf('\n## The recorded experiment');
  assert.ok(start >= 0, 'README has a section "The recorded experiment"');
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** The rows of the markdown table that follows `heading` in `text`, as cells. */
function tableAfter(text: string, heading: string): string[][] {
  const at = text.indexOf(heading);
  assert.ok(at >= 0, `README has ${heading}`);
  const lines = text.slice(at).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (let i = first + 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i].split('|').slice(1, -1).map((c) => c.trim()));
  return rows;
}

const byMethod = (methods: MethodSummary[], method: string) => methods.filter((m) => m.method === method);

describe("README's recorded experiment, checked against data/", () => {
  const section = experimentSection();
  const outputs = new Map<string, string>();
  let methods: MethodSummary[] = [];

  before(async () => {
    for (const argv of EXPERIMENT_COMMANDS) outputs.set(commandLine(argv), await commandOutput(argv, ROOT));
    const dataset = await ingest([`${ROOT}data/`]);
    methods = compareMethods(await readMethodRuns(dataset));
  });

  it('quotes each command as it prints on data/ now', () => {
    for (const argv of EXPERIMENT_COMMANDS) {
      const quoted = `\`\`\`\n${block(argv, outputs.get(commandLine(argv))!)}\n\`\`\``;
      assert.ok(section.includes(quoted), `README quotes \`${commandLine(argv)}\` as it prints now (node --import tsx scripts/experiment-readme.ts prints it)`);
    }
  });

  it('every number in the claims table is printed by the command its row names', () => {
    const rows = tableAfter(section, '| claim |');
    assert.ok(rows.length >= 5, 'a row per claim');
    for (const [claim, , measured, command] of rows) {
      const named = [...command.matchAll(/`(entropy-law [^`]+)`/g)].map((m) => m[1]);
      assert.ok(named.length > 0, `${claim}: names the command that printed it`);
      const printed = named.map((c) => outputs.get(c)).join('\n');
      assert.ok(printed, `${claim}: ${named.join(', ')} is one of the quoted commands`);
      for (const number of measured.match(/\d+\.\d+/g) ?? []) assert.ok(printed.includes(number), `${claim}: ${number} is printed by ${named.join(', ')}`);
    }
  });

  it("GRPO's entropy collapses on every size: it ends at under half its start", () => {
    const grpo = byMethod(methods, 'grpo');
    assert.equal(grpo.length, 2, 'two model sizes');
    for (const g of grpo) assert.ok(g.entropyEnd.mean < g.entropyStart.mean / 2, `${g.size}: ${g.entropyStart.mean} → ${g.entropyEnd.mean}`);
  });

  it('the step covariance tracks −ΔH: a positive correlation for the GRPO family on every size', () => {
    assert.ok(methods.every((m) => m.covarianceCorrelation), 'every harness run logs the covariance');
    for (const method of ['grpo', 'rloo', 'reinforce++']) {
      const rows = byMethod(methods, method);
      assert.equal(rows.length, 2, `${method} on both sizes`);
      for (const m of rows) assert.ok(m.covarianceCorrelation!.mean > 0, `${method} ${m.size}: ${m.covarianceCorrelation!.mean}`);
    }
  });

  it('Clip-Cov and KL-Cov end with more entropy than GRPO on every size, but not 10× more', () => {
    for (const method of ['clip-cov(r=0.1)', 'kl-cov(k=0.1,β=1)']) {
      const rows = byMethod(methods, method);
      assert.equal(rows.length, 2, `${method} on both sizes`);
      for (const m of rows) assert.ok(m.entropyEndRatio! > 1 && m.entropyEndRatio! < 10, `${method} ${m.size}: ${m.entropyEndRatio}×`);
    }
  });

  it('the runs the law is claimed for: GRPO, RLOO and REINFORCE++ share one curve per size (F-test at 5%)', async () => {
    const dataset = await ingest([`${ROOT}${LAW_RUNS}`]);
    const { pooled } = acrossRuns(analyzeDataset(dataset), {});
    assert.equal(pooled.length, 2, 'one group per size');
    for (const g of pooled) assert.ok(g.test && g.test.pValue > 0.05, `${g.group}: p = ${g.test?.pValue}`);
  });
});
