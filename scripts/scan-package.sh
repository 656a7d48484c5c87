#!/usr/bin/env bash
# n8n's verification scanner (@n8n/scan-community-package) on this repository, before publishing.
# The scanner itself only takes a published name: it checks the npm provenance attestation, then
# lints the source commit the attestation names and the published tarball. This runs the same
# lint (its buildScanConfig, inline eslint-disable comments ignored) on both legs locally: the
# repository's package.json, nodes/ and credentials/, and the tarball `npm pack` makes now.
# Prints errors and warnings per leg; exits 1 on any error or warning. Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${SCANNER_VERSION:-0.32.0}"
scanner=".tmp/scan-community-package-$version"
if [ ! -f "$scanner/node_modules/@n8n/scan-community-package/scanner/scanner.mjs" ]; then
  mkdir -p "$scanner"
  echo '{"private":true}' >"$scanner/package.json"
  npm install --prefix "$scanner" --ignore-scripts --no-audit --no-fund --silent \
    "@n8n/scan-community-package@$version" >/dev/null
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(npm pack --silent --ignore-scripts --pack-destination "$work" | tail -n 1)"
mkdir "$work/package"
tar -xzf "$work/$tarball" -C "$work/package" --strip-components=1

cd "$scanner"
SOURCE_DIR="$OLDPWD" PACKAGE_DIR="$work/package" TARBALL="$tarball" node --input-type=module -e '
import { ESLint } from "eslint";
import glob from "fast-glob";
import { buildScanConfig, SOURCE_FILE_PATTERNS } from "@n8n/scan-community-package/scanner/scanner.mjs";

const legs = [
  ["source (package.json, nodes/, credentials/)", process.env.SOURCE_DIR, SOURCE_FILE_PATTERNS],
  [`tarball ${process.env.TARBALL} (**/*.js, package.json)`, process.env.PACKAGE_DIR, ["**/*.js", "package.json"]],
];
let problems = 0;
for (const [name, dir, patterns] of legs) {
  const eslint = new ESLint({ cwd: dir, allowInlineConfig: false, overrideConfigFile: true, overrideConfig: await buildScanConfig() });
  const files = glob.sync(patterns, { cwd: dir, absolute: true, ignore: ["node_modules/**", "**/package-lock.json"] });
  const results = await eslint.lintFiles(files);
  const errors = results.reduce((sum, r) => sum + r.errorCount, 0);
  const warnings = results.reduce((sum, r) => sum + r.warningCount, 0);
  console.log(`${name}: ${files.length} files, ${errors} errors, ${warnings} warnings`);
  if (errors + warnings > 0) console.log(await (await eslint.loadFormatter("stylish")).format(results));
  problems += errors + warnings;
}
process.exit(problems > 0 ? 1 : 0);
'
