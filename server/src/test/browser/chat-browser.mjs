// The chat page in a real browser, driven by ChatBrowserTest (server module): two Chromium pages and
// one real `nc` client in one room; a private message; a nick and a message with HTML shown as text;
// the pages reconnect after the server restarts on the same ports.
//
// Environment: HTTP_URL (http://127.0.0.1:PORT), CHAT_HOST, CHAT_PORT, CHROMIUM (the Debian binary),
// SCREENSHOTS (a directory). Talks to the JUnit test on stdout/stdin: prints "RESTART" and waits for a
// "RESTARTED" line. Prints "STEP ..." as it goes; exit status 0 only when every check passed.
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdirSync } from "node:fs";
import path from "node:path";

/** How long any one wait may take before the run fails as hung (a loaded CI machine is slow). */
const WAIT_MS = 30_000;

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
};
const HTTP_URL = env("HTTP_URL"), CHAT_HOST = env("CHAT_HOST"), CHAT_PORT = env("CHAT_PORT");
const SHOTS = env("SCREENSHOTS");
mkdirSync(SHOTS, { recursive: true });

const step = (what) => console.log("STEP " + what);
// Lines from the test are queued as they come: "RESTARTED" may arrive before we wait for it.
const stdinLines = createInterface({ input: process.stdin });
const stdinQueue = [], stdinWaiters = [];
stdinLines.on("line", (line) => (stdinWaiters.length ? stdinWaiters.shift()(line) : stdinQueue.push(line)));
const nextStdinLine = () => new Promise((resolve) => (stdinQueue.length ? resolve(stdinQueue.shift()) : stdinWaiters.push(resolve)));

/** A real netcat on the line chat: what it prints is collected as lines. */
class Netcat {
  constructor() {
    this.lines = [];
    this.waiters = [];
    this.proc = spawn("nc", ["-N", CHAT_HOST, CHAT_PORT], { stdio: ["pipe", "pipe", "inherit"] });
    this.closed = new Promise((resolve) => this.proc.on("close", resolve));
    createInterface({ input: this.proc.stdout }).on("line", (line) => {
      this.lines.push(line.replace(/\r$/, ""));
      this.waiters = this.waiters.filter((w) => !w());
    });
  }
  send(line) { this.proc.stdin.write(line + "\n"); }
  /** Waits for a line matching `test` (a string to contain, or a RegExp), from `from` on. */
  expect(test, from = 0) {
    const match = (line) => (typeof test === "string" ? line.includes(test) : test.test(line));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nc: no line matching ${test} within ${WAIT_MS} ms; got:\n${this.lines.join("\n")}`)), WAIT_MS);
      const check = () => {
        const i = this.lines.findIndex((line, index) => index >= from && match(line));
        if (i < 0) return false;
        clearTimeout(timer);
        resolve(this.lines[i]);
        return true;
      };
      if (!check()) this.waiters.push(check);
    });
  }
  async quit() { this.proc.stdin.end(); this.proc.kill(); await this.closed; }
}

const logText = (page) => page.locator("#log").innerText();

/** Waits until the page's log shows `text` (as text). */
async function expectLog(page, text) {
  await page.locator("#log li", { hasText: text }).first().waitFor({ timeout: WAIT_MS });
}

async function say(page, line) {
  await page.fill("#input", line);
  await page.press("#input", "Enter");
}

async function openChat(browser, nick, viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on("pageerror", (error) => { console.log(`page error (${nick}): ${error.message}`); process.exitCode = 1; });
  const external = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.host !== new URL(HTTP_URL).host) external.push(request.url());
  });
  await page.goto(HTTP_URL + "/chat");
  await page.locator("#status.online").waitFor({ timeout: WAIT_MS });
  if (await page.locator("#menu").isVisible()) await page.click("#menu"); // phone layout: open the side panel
  await page.fill("#nick-input", nick);
  await page.press("#nick-input", "Enter");
  await page.locator("#me", { hasText: `You are ${nick}.` }).waitFor({ timeout: WAIT_MS });
  page.external = external;
  return page;
}

async function joinRoom(page, room) {
  if (await page.locator("#menu").isVisible()) await page.click("#menu");
  await page.fill("#room-input", room);
  await page.press("#room-input", "Enter");
  await page.locator("#room-name", { hasText: room }).waitFor({ timeout: WAIT_MS });
}

async function netcatIn(room, nick) {
  const nc = new Netcat();
  await nc.expect("welcome to jselectors chat");
  nc.send(`/nick ${nick}`);
  await nc.expect(`is now known as ${nick}`);
  nc.send(`/join ${room}`);
  await nc.expect(`[${room}] * ${nick} joined`);
  return nc;
}

const browser = await chromium.launch({
  executablePath: env("CHROMIUM"),
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
// Chromium itself can die on its own (seen once in CI at the first page, with a crash dump): that
// is told apart from a failure of the chat, so the test can run the browser part once more.
let browserGone = false;
browser.on("disconnected", () => { browserGone = true; });
let nc;
try {
  step("the home page links to the chat");
  const home = await (await browser.newContext()).newPage();
  await home.goto(HTTP_URL + "/");
  await home.locator('a[href="/chat"]').waitFor({ timeout: WAIT_MS });

  step("two pages and nc join room dev");
  const alice = await openChat(browser, "alice", { width: 1100, height: 720 });
  const bob = await openChat(browser, "bob", { width: 390, height: 844 }); // a phone
  await joinRoom(alice, "dev");
  await joinRoom(bob, "dev");
  nc = await netcatIn("dev", "carol");

  step("everyone sees everyone's lines");
  await say(alice, "hello from alice");
  await expectLog(bob, "hello from alice");
  await nc.expect("[dev] alice: hello from alice");
  nc.send("hello from the terminal");
  await expectLog(alice, "hello from the terminal");
  await expectLog(bob, "hello from the terminal");
  await say(bob, "/me waves from a phone");
  await expectLog(alice, "bob waves from a phone");
  await nc.expect("[dev] * bob waves from a phone");
  await alice.locator("#who li", { hasText: "carol" }).waitFor({ timeout: WAIT_MS });

  step("a private message reaches only its addressee");
  const ncBefore = nc.lines.length;
  await alice.locator("#who li button", { hasText: "bob" }).click(); // fills "/msg bob "
  await alice.type("#input", "just between us");
  await alice.press("#input", "Enter");
  await expectLog(bob, "from alice: just between us");
  await expectLog(alice, "to bob: just between us");
  nc.send("/msg alice psst from nc");
  await expectLog(alice, "from carol: psst from nc");
  await say(alice, "a room line after the private message"); // same sender: nc gets it after anything before it
  await nc.expect("[dev] alice: a room line after the private message", ncBefore);
  if (nc.lines.slice(ncBefore).some((line) => line.includes("just between us"))) {
    throw new Error("nc saw a private message meant for bob");
  }

  step("HTML in a message and in a nick is shown as text");
  const hostile = '<img src=x onerror="window.__pwned=1"><b>bold?</b>';
  nc.send(hostile);
  await expectLog(alice, "<b>bold?</b>");
  await expectLog(bob, "<b>bold?</b>");
  await say(bob, "/nick <i>mallory</i>");
  await expectLog(bob, 'invalid nick "<i>mallory</i>"');
  for (const page of [alice, bob]) {
    const injected = await page.evaluate(() => ({
      pwned: window.__pwned === 1,
      elements: document.querySelectorAll("#log img, #log b, #log i, #log script").length,
    }));
    if (injected.pwned || injected.elements > 0) throw new Error("HTML from a user was rendered: " + JSON.stringify(injected));
  }
  if (!(await logText(alice)).includes(hostile)) throw new Error("alice's log does not show the hostile line verbatim");

  await alice.screenshot({ path: path.join(SHOTS, "chat-desktop.png") });
  await bob.screenshot({ path: path.join(SHOTS, "chat-phone.png") });

  step("the pages reconnect after the server restarts");
  console.log("RESTART");
  await nc.expect("server shutting down");
  await nc.quit();
  await alice.locator("#log li", { hasText: "connection lost" }).first().waitFor({ timeout: WAIT_MS });
  const restarted = await nextStdinLine();
  if (restarted !== "RESTARTED") throw new Error("expected RESTARTED from the test, got " + restarted);
  for (const page of [alice, bob]) {
    await page.locator("#log li", { hasText: "reconnected" }).first().waitFor({ timeout: 2 * WAIT_MS });
    await page.locator("#status.online").waitFor({ timeout: WAIT_MS });
  }
  await alice.locator("#me", { hasText: "You are alice." }).waitFor({ timeout: WAIT_MS });
  await alice.locator("#room-name", { hasText: "dev" }).waitFor({ timeout: WAIT_MS });
  await bob.locator("#room-name", { hasText: "dev" }).waitFor({ timeout: WAIT_MS });
  nc = await netcatIn("dev", "carol");
  await say(alice, "back after the restart");
  await expectLog(bob, "back after the restart");
  await nc.expect("[dev] alice: back after the restart");
  await alice.screenshot({ path: path.join(SHOTS, "chat-reconnected.png") });

  for (const page of [home, alice, bob]) {
    if (page.external && page.external.length) throw new Error("the page fetched from elsewhere: " + page.external.join(", "));
  }
  console.log(process.exitCode ? "FAILED" : "OK");
} catch (error) {
  console.log("FAILED: " + (error && error.stack ? error.stack : error));
  if (browserGone) console.log("BROWSER EXITED: chromium's process ended during the run");
  process.exitCode = browserGone ? 3 : 1;
} finally {
  if (nc) await nc.quit().catch(() => {});
  if (!browserGone) await browser.close();
  stdinLines.close();
}
