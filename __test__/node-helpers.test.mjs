// `toNodeHandler` / `fromNodeHeaders` (better-auth/node, or better-auth-rs/node = js/node.js) over real
// HTTP on an ephemeral port: behind a plain node:http server, behind Express 5 with and without body
// parsers running first, and mounted in an Express sub-router. Requests are made with node:http so
// the raw Set-Cookie headers (one per cookie) and chunked bodies can be checked.
import "./helpers/env.mjs"; // first: sets NODE_ENV before better-auth loads

import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import express from "express";
import { IMPLS, makeAuth, nodeHelpers, tempDbFile } from "./helpers/impls.mjs";

const PW = "correct-horse-battery";

/** One HTTP/1.1 request with node:http. `body`: string/Buffer (sent with content-length) or { chunks } (chunked). */
function request(port, { method = "GET", path, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {}
        const rawSetCookies = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if (res.rawHeaders[i].toLowerCase() === "set-cookie") rawSetCookies.push(res.rawHeaders[i + 1]);
        }
        resolve({ status: res.statusCode, headers: res.headers, rawSetCookies, text, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body && body.chunks) {
      for (const c of body.chunks) req.write(c);
      req.end();
    } else if (body !== undefined) {
      req.setHeader("content-length", Buffer.byteLength(body));
      req.end(body);
    } else req.end();
  });
}

const cookieOf = (setCookies) => setCookies.filter((c) => !/max-age=0/i.test(c)).map((c) => c.split(";")[0]).join("; ");

// Each variant returns the server's request listener.
const VARIANTS = {
  "node:http": ({ toNodeHandler, auth }) => toNodeHandler(auth),
  "Express 5, no body parser": ({ toNodeHandler, auth }) => {
    const app = express();
    app.all("/api/auth/*splat", toNodeHandler(auth));
    return app;
  },
  "Express 5, express.json() + urlencoded() first": ({ toNodeHandler, auth }) => {
    const app = express();
    app.use(express.json());
    app.use(express.urlencoded({ extended: false }));
    app.all("/api/auth/*splat", toNodeHandler(auth));
    return app;
  },
  "Express 5, sub-router at /api/auth": ({ toNodeHandler, auth }) => {
    const app = express();
    const router = express.Router();
    router.all("/*splat", toNodeHandler(auth));
    app.use("/api/auth", router);
    return app;
  },
  "Express 5, handler given auth.handler": ({ toNodeHandler, auth }) => {
    const app = express();
    app.use(express.json());
    app.all("/api/auth/*splat", toNodeHandler(auth.handler));
    return app;
  },
};

for (const kind of IMPLS) {
  describe(`toNodeHandler (${kind})`, () => {
    let helpers;
    before(async () => {
      helpers = await nodeHelpers(kind);
    });

    for (const [variant, build] of Object.entries(VARIANTS)) {
      describe(variant, () => {
        let server;
        let port;
        let origin;
        let auth;
        let db;
        before(async () => {
          server = http.createServer();
          await new Promise((r) => server.listen(0, "127.0.0.1", r));
          port = server.address().port;
          origin = `http://127.0.0.1:${port}`;
          db = tempDbFile("node");
          auth = await makeAuth(kind, { dbFile: db.file, baseURL: origin });
          server.on("request", build({ ...helpers, auth }));
        });
        after(async () => {
          server.closeAllConnections?.();
          await new Promise((r) => server.close(r));
          auth.close?.();
          db.cleanup();
        });

        test("sign-up, sign-in, get-session, sign-out over HTTP", async () => {
          const json = { "content-type": "application/json" };
          const up = await request(port, { method: "POST", path: "/api/auth/sign-up/email", headers: json, body: JSON.stringify({ name: "Ada", email: "ada@example.com", password: PW }) });
          assert.equal(up.status, 200, up.text);
          assert.equal(up.headers["content-type"], "application/json");
          assert.equal(up.json.user.email, "ada@example.com");
          assert.equal(up.rawSetCookies.length, 1);

          // rememberMe:false → two cookies, each in its own Set-Cookie header
          const inn = await request(port, { method: "POST", path: "/api/auth/sign-in/email", headers: json, body: JSON.stringify({ email: "ada@example.com", password: PW, rememberMe: false }) });
          assert.equal(inn.status, 200, inn.text);
          assert.equal(inn.rawSetCookies.length, 2);
          assert.deepEqual(inn.headers["set-cookie"], inn.rawSetCookies);
          assert.match(inn.rawSetCookies[0], /^better-auth\.session_token=[^;,]+; Path=\/; HttpOnly; SameSite=Lax$/);
          assert.match(inn.rawSetCookies[1], /^better-auth\.dont_remember=[^;,]+; Path=\/; HttpOnly; SameSite=Lax$/);
          const cookie = cookieOf(inn.rawSetCookies);

          const s = await request(port, { path: "/api/auth/get-session", headers: { cookie } });
          assert.equal(s.status, 200, s.text);
          assert.equal(s.headers["cache-control"], "no-store");
          assert.equal(s.json.session.token, inn.json.token);
          assert.equal(s.json.user.id, up.json.user.id);

          const none = await request(port, { path: "/api/auth/get-session" });
          assert.equal(none.status, 200);
          assert.equal(none.text, "null");

          const forbidden = await request(port, { method: "POST", path: "/api/auth/sign-out", headers: { ...json, cookie }, body: "{}" });
          assert.equal(forbidden.status, 403);
          assert.equal(forbidden.json.code, "MISSING_OR_NULL_ORIGIN");

          const out = await request(port, { method: "POST", path: "/api/auth/sign-out", headers: { ...json, cookie, origin }, body: "{}" });
          assert.equal(out.status, 200, out.text);
          assert.deepEqual(out.json, { success: true });
          assert.equal(out.rawSetCookies.length, 3);
          for (const c of out.rawSetCookies) assert.match(c, /=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/);

          const after = await request(port, { path: "/api/auth/get-session", headers: { cookie } });
          assert.equal(after.text, "null");
        });

        test("form-urlencoded and chunked bodies, errors pass through", async () => {
          const form = await request(port, {
            method: "POST",
            path: "/api/auth/sign-in/email",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ email: "ada@example.com", password: PW }).toString(),
          });
          assert.equal(form.status, 200, form.text);
          assert.equal(form.json.redirect, false);

          const chunked = await request(port, {
            method: "POST",
            path: "/api/auth/sign-in/email",
            headers: { "content-type": "application/json" },
            body: { chunks: ['{"email":"ada@exa', 'mple.com","password":', JSON.stringify(PW) + "}"] },
          });
          assert.equal(chunked.status, 200, chunked.text);
          assert.equal(chunked.rawSetCookies.length, 1);

          const wrong = await request(port, {
            method: "POST",
            path: "/api/auth/sign-in/email",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ email: "ada@example.com", password: "wrong-password" }),
          });
          assert.equal(wrong.status, 401);
          assert.deepEqual(wrong.json, { message: "Invalid email or password", code: "INVALID_EMAIL_OR_PASSWORD" });

          const unknown = await request(port, { path: "/api/auth/nope" });
          assert.equal(unknown.status, 404);
          assert.equal(unknown.text, "");

          const ok = await request(port, { path: "/api/auth/ok?x=1" });
          assert.equal(ok.status, 200);
          assert.deepEqual(ok.json, { ok: true });

          const signOutNoBody = await request(port, { method: "POST", path: "/api/auth/sign-out" });
          assert.equal(signOutNoBody.status, 200, signOutNoBody.text);
          assert.deepEqual(signOutNoBody.json, { success: true });
        });
      });
    }
  });

  describe(`fromNodeHeaders (${kind})`, () => {
    let fromNodeHeaders;
    before(async () => {
      ({ fromNodeHeaders } = await nodeHelpers(kind));
    });

    test("arrays are appended, undefined skipped, strings set", () => {
      const h = fromNodeHeaders({
        "set-cookie": ["a=1; Path=/", "b=2; Path=/"],
        "x-multi": ["one", "two"],
        cookie: "c=3; d=4",
        host: "example.com",
        "x-undefined": undefined,
      });
      assert.ok(h instanceof Headers);
      assert.deepEqual(h.getSetCookie(), ["a=1; Path=/", "b=2; Path=/"]);
      assert.equal(h.get("x-multi"), "one, two");
      assert.equal(h.get("cookie"), "c=3; d=4");
      assert.equal(h.get("host"), "example.com");
      assert.equal(h.has("x-undefined"), false);
      assert.deepEqual([...new Set(h.keys())].sort(), ["cookie", "host", "set-cookie", "x-multi"]);
      assert.equal([...fromNodeHeaders({})].length, 0);
    });

    test("every Headers method, a copy and a Request see the node headers (also after a change)", () => {
      const src = { host: "example.com", cookie: "c=3", "x-multi": ["one", "two"], "set-cookie": ["a=1", "b=2"], "x-undefined": undefined };
      const eager = new Headers();
      eager.set("host", "example.com"); eager.set("cookie", "c=3"); eager.append("x-multi", "one"); eager.append("x-multi", "two");
      eager.append("set-cookie", "a=1"); eager.append("set-cookie", "b=2");
      const views = (h) => ({ entries: [...h.entries()], iter: [...h], keys: [...h.keys()], values: [...h.values()], cookies: h.getSetCookie(), each: (() => { const o = []; h.forEach((v, k) => o.push([k, v])); return o; })() });
      // each method is the first thing to touch a fresh object
      for (const probe of [(h) => h.get("cookie"), (h) => h.has("host"), (h) => [...h], (h) => h.getSetCookie(), (h) => [...h.keys()], (h) => [...h.values()], (h) => [...h.entries()], (h) => { const o = []; h.forEach((v) => o.push(v)); return o; }]) {
        assert.deepEqual(probe(fromNodeHeaders(src)), probe(eager));
      }
      assert.deepEqual(views(fromNodeHeaders(src)), views(eager));
      assert.deepEqual(views(new Headers(fromNodeHeaders(src))), views(eager));
      assert.deepEqual(views(new Request("http://x/", { headers: fromNodeHeaders(src) }).headers), views(eager));
      const changed = fromNodeHeaders(src);
      changed.set("cookie", "z=9");
      changed.delete("host");
      changed.append("x-new", "1");
      assert.equal(changed.get("cookie"), "z=9");
      assert.equal(changed.has("host"), false);
      assert.equal(changed.get("x-multi"), "one, two");
      assert.equal(changed.get("x-new"), "1");
    });

    test("auth.api.getSession reads fromNodeHeaders' cookie, also from a hand-made object with capitals, and after a change", async () => {
      const db = tempDbFile("node-headers-lazy");
      const auth = await makeAuth(kind, { dbFile: db.file });
      try {
        const { headers } = await auth.api.signUpEmail({ body: { name: "Ada", email: "lazy@example.com", password: PW }, returnHeaders: true });
        const cookie = cookieOf(headers.getSetCookie());
        assert.equal((await auth.api.getSession({ headers: fromNodeHeaders({ cookie, host: "example.com" }) })).user.email, "lazy@example.com");
        assert.equal((await auth.api.getSession({ headers: fromNodeHeaders({ Cookie: cookie }) })).user.email, "lazy@example.com");
        assert.equal((await auth.api.getSession({ headers: fromNodeHeaders({ cookie: [cookie] }) })).user.email, "lazy@example.com");
        const changed = fromNodeHeaders({ cookie });
        changed.delete("cookie");
        assert.equal(await auth.api.getSession({ headers: changed }), null);
        const added = fromNodeHeaders({ host: "example.com" });
        added.set("cookie", cookie);
        assert.equal((await auth.api.getSession({ headers: added })).user.email, "lazy@example.com");
      } finally {
        auth.close?.();
        db.cleanup();
      }
    });

    test("real IncomingMessage headers work with auth.api.getSession", async () => {
      const db = tempDbFile("node-headers");
      const auth = await makeAuth(kind, { dbFile: db.file });
      const seen = [];
      const server = http.createServer(async (req, res) => {
        const headers = fromNodeHeaders(req.headers);
        seen.push(headers);
        const session = await auth.api.getSession({ headers });
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(session && { email: session.user.email }));
      });
      await new Promise((r) => server.listen(0, "127.0.0.1", r));
      const port = server.address().port;
      try {
        const { headers } = await auth.api.signUpEmail({ body: { name: "Ada", email: "ada@example.com", password: PW }, returnHeaders: true });
        const cookie = cookieOf(headers.getSetCookie());
        const signedIn = await request(port, { path: "/", headers: { cookie, "x-extra": "1" } });
        assert.deepEqual(signedIn.json, { email: "ada@example.com" });
        const anonymous = await request(port, { path: "/" });
        assert.equal(anonymous.text, "null");
        assert.equal(seen[0].get("x-extra"), "1");
        assert.equal(seen[0].get("host"), `127.0.0.1:${port}`);
      } finally {
        server.closeAllConnections?.();
        await new Promise((r) => server.close(r));
        auth.close?.();
        db.cleanup();
      }
    });
  });
}
