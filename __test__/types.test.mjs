// The public types compile as user code uses them (issue 23.5): `tsc --noEmit --strict` over
// __test__/types (the $Infer assertions, every database form with the drivers' own types, a fixture
// app modelled on a Next.js + Drizzle starter), the declaration files on their own, the Express
// example as checked JavaScript, and examples/nextjs against this checkout's declarations.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

function typeCheck(project) {
  const r = spawnSync(process.execPath, [tsc, "-p", project, "--pretty", "false"], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, `tsc -p ${project} failed:\n${r.stdout}${r.stderr}`);
}

test("type assertions, database forms and the Next.js + Drizzle fixture (tsc --strict)", () => typeCheck("__test__/types/tsconfig.json"));
test("index.d.ts and js/*.d.ts check on their own (no skipLibCheck)", () => typeCheck("__test__/types/tsconfig.dts.json"));
test("examples/express type-checks as JavaScript (checkJs)", () => typeCheck("__test__/types/tsconfig.express.json"));
test("examples/nextjs type-checks against this checkout's declarations", { skip: !existsSync(path.join(root, "examples/nextjs/node_modules/next")) && "examples/nextjs has no node_modules (npm install there)" }, () =>
  typeCheck("__test__/types/tsconfig.nextjs.json"));
