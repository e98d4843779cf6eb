/**
 * A small Chrome DevTools Protocol client for headless Chromium: start the
 * browser, open a page, evaluate script, move and click the mouse, take
 * screenshots. Used by the flame graph browser checks (not by CI: it needs
 * Chromium, `apt-get install -y chromium`).
 *
 * @module
 */

/** A page in a headless Chromium. */
export interface Page {
  /** Opens `url` and waits for its load event. */
  goto(url: string): Promise<void>;
  /** Evaluates an expression in the page and returns its (JSON) value. */
  eval<T = unknown>(expression: string): Promise<T>;
  /** Moves the mouse to (x, y), optionally clicking there. */
  mouse(x: number, y: number, click?: boolean): Promise<void>;
  /** Types text into the focused element. */
  type(text: string): Promise<void>;
  /** A PNG of the viewport (or of the whole page). */
  screenshot(fullPage?: boolean): Promise<Uint8Array>;
}

/** A running browser. */
export interface Browser {
  page(width?: number, height?: number): Promise<Page>;
  close(): Promise<void>;
}

/** Starts headless Chromium (`/usr/bin/chromium` unless CHROMIUM is set) with a fresh profile. */
export async function launch(): Promise<Browser> {
  const profile = await Deno.makeTempDir({ prefix: "flame-chromium-" });
  const proc = new Deno.Command(Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium", {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const url = await devtoolsUrl(proc.stderr);
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners: ((m: { method: string; sessionId?: string; params: unknown }) => void)[] = [];
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.id !== undefined) {
      const p = pending.get(m.id)!;
      pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error.message));
      else p.resolve(m.result);
    } else for (const l of listeners) l(m);
  };
  const send = <T>(method: string, params: unknown = {}, sessionId?: string) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  const event = (method: string, sessionId: string) =>
    new Promise<void>((resolve) => {
      const l = (m: { method: string; sessionId?: string }) => {
        if (m.method === method && m.sessionId === sessionId) {
          listeners.splice(listeners.indexOf(l), 1);
          resolve();
        }
      };
      listeners.push(l);
    });
  return {
    async page(width = 1600, height = 1000) {
      const { targetId } = await send<{ targetId: string }>("Target.createTarget", { url: "about:blank" });
      const { sessionId: s } = await send<{ sessionId: string }>("Target.attachToTarget", { targetId, flatten: true });
      await send("Page.enable", {}, s);
      await send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: false }, s);
      return {
        async goto(url) {
          const loaded = event("Page.loadEventFired", s);
          await send("Page.navigate", { url }, s);
          await loaded;
        },
        async eval<T>(expression: string) {
          const r = await send<{ result: { value: T }; exceptionDetails?: { text: string } }>("Runtime.evaluate", {
            expression,
            returnByValue: true,
            awaitPromise: true,
          }, s);
          if (r.exceptionDetails) throw new Error(`${expression}: ${JSON.stringify(r.exceptionDetails)}`);
          return r.result.value;
        },
        async mouse(x, y, click = false) {
          await send("Input.dispatchMouseEvent", { type: "mouseMoved", x, y }, s);
          if (!click) return;
          await send("Input.dispatchMouseEvent", { type: "mousePressed", x, y, button: "left", clickCount: 1 }, s);
          await send("Input.dispatchMouseEvent", { type: "mouseReleased", x, y, button: "left", clickCount: 1 }, s);
        },
        async type(text) {
          await send("Input.insertText", { text }, s);
        },
        async screenshot(fullPage = false) {
          const r = await send<{ data: string }>("Page.captureScreenshot", {
            format: "png",
            captureBeyondViewport: fullPage,
          }, s);
          return Uint8Array.from(atob(r.data), (c) => c.charCodeAt(0));
        },
      };
    },
    async close() {
      ws.close();
      proc.kill();
      await proc.status;
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

async function devtoolsUrl(stderr: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`chromium ended before it listened:\n${text}`);
    text += value;
    const m = /DevTools listening on (ws:\/\/\S+)/.exec(text);
    if (m) {
      // Keep reading (and dropping) its stderr, so that it never blocks on a full pipe.
      (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })();
      return m[1];
    }
  }
}
