// Builds the browser client into one directory heard-server serves with
// --web-root: index.html, app.css and app.js (one bundle, no source maps, no
// inline script). The protocol's TypeScript is generated here from proto/
// by protoc-gen-es: never a hand-written copy of the protocol.
//
//   node build.mjs --out DIR [--protoc PATH] [--tests-out DIR] [--units-out DIR]
//
// --tests-out also builds a page of the doc's sealing vectors there (run in
// Chromium by tests/sealing_vectors.test.mjs); --units-out the unit tests of
// the pure parts for Node.js (units.test.mjs).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    out: { type: "string" },
    protoc: { type: "string", default: "protoc" },
    "tests-out": { type: "string" },
    "units-out": { type: "string" },
  },
});
if (!values.out) {
  console.error("build.mjs: say where to build with --out DIR");
  process.exit(2);
}
const [major] = process.versions.node.split(".").map(Number);
if (major < 18) {
  console.error(`build.mjs: Node.js ${process.versions.node} is too old; the browser client builds with Node.js 18 (Debian 12's) or newer.`);
  process.exit(2);
}
if (!existsSync(join(here, "node_modules", "esbuild"))) {
  console.error("build.mjs: web/node_modules is missing; run `npm ci` in web/ (make does).");
  process.exit(2);
}
const { build } = await import("esbuild");

const out = resolve(values.out);
mkdirSync(out, { recursive: true });

// The protocol, from the same .proto files as the C++ code.
const gen = join(here, "src", "gen");
mkdirSync(gen, { recursive: true });
execFileSync(
  values.protoc,
  [
    `--plugin=protoc-gen-es=${join(here, "node_modules", ".bin", "protoc-gen-es")}`,
    `--es_out=${gen}`,
    "--es_opt=target=ts",
    `-I${join(here, "..", "proto")}`,
    join(here, "..", "proto", "heard", "v1", "heard.proto"),
  ],
  { stdio: "inherit" },
);

const common = {
  bundle: true,
  format: "esm",
  target: ["chrome120", "firefox120", "safari17"],
  minify: true,
  legalComments: "none",
  logLevel: "warning",
};
await build({ ...common, entryPoints: [join(here, "src", "main.ts")], outfile: join(out, "app.js") });
for (const file of ["index.html", "app.css", "icon.svg"]) copyFileSync(join(here, "static", file), join(out, file));

if (values["tests-out"]) {
  const testRoot = resolve(values["tests-out"]);
  mkdirSync(testRoot, { recursive: true });
  await build({ ...common, minify: false, entryPoints: [join(here, "tests", "sealing_vectors_page.ts")], outfile: join(testRoot, "app.js") });
  copyFileSync(join(here, "tests", "sealing_vectors.html"), join(testRoot, "index.html"));

  copyFileSync(join(here, "static", "icon.svg"), join(testRoot, "icon.svg"));
}

if (values["units-out"]) {
  // The pure parts' unit tests, for Node.js (its WebCrypto is the browser's API).
  await build({
    ...common,
    minify: false,
    platform: "node",
    target: "node18",
    // Node.js 18 (Debian 12's) has WebCrypto but not yet as the global the page uses.
    banner: { js: 'import { webcrypto as heardWebCrypto } from "node:crypto"; globalThis.crypto ??= heardWebCrypto;' },
    entryPoints: [join(here, "tests", "units.test.ts")],
    outfile: join(resolve(values["units-out"]), "units.test.mjs"),
  });
}
