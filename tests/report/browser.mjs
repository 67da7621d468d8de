// browser.mjs TEGN DATASETS WORKDIR -- the committee report in a real browser
// (tests/report/README.md). Renders the demo's report and the edge-case
// documents of edge_docs.py, opens each in headless Chromium (Debian's, driven
// by puppeteer-core over a pipe) and checks:
//   - a full-page screenshot against tests/report/screenshots/<name>.png,
//     within a pixel tolerance (pixelmatch); TG_UPDATE_SCREENSHOTS=1 writes the
//     references instead;
//   - axe-core in the page: no violation of the wcag2a, wcag2aa, wcag21a and
//     wcag21aa rules;
//   - the Nu Html Checker (vnu.jar, Java): no error.
// Fonts: Chromium sees only DejaVu (fonts-dejavu-core) through a fontconfig
// file of its own, with hinting off, so the page is drawn the same on every
// machine that has the package, whatever other fonts are installed. Window
// 1024 px wide, device scale 1, no scrollbars. A failure leaves the shot and
// a diff image in WORKDIR. Exit 77 (skipped) when Chromium, Java or the npm
// packages are missing, except under CI, where `make test` installs them.
//
// --readme FILE: only writes the demo report's front page (1024 x 1200) to
// FILE, for README.md (make report-screenshot).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHOTS = path.join(HERE, "screenshots");
const WIDTH = 1024;
// Per-pixel threshold (pixelmatch's YIQ distance, 0..1; 0.05 is about 13
// grey levels) and how many (half-size) pixels may differ beyond it, counting
// anti-aliased ones too. The same Chromium on the same fonts draws the same
// pixels (0 differ, also under load); a mark drawn 1 px thinner changes
// 120-370 of them, so 25 leaves room for noise only. A machine whose Chromium
// draws with other noise may raise it: TG_SCREENSHOT_MAX_PIXELS=N.
const THRESHOLD = 0.05;
const MAX_PIXELS = Number(process.env.TG_SCREENSHOT_MAX_PIXELS || 25);
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

const [tegn, datasets, work] = process.argv.slice(2, 5).map((p) => p && path.resolve(p));
const rest = process.argv.slice(5);
const readme = rest[0] === "--readme" ? path.resolve(rest[1]) : null;
let passed = 0;
let failed = 0;

function check(ok, what) {
  if (ok) passed++;
  else {
    failed++;
    console.log(`FAIL ${what}`);
  }
}

function skip(why) {
  console.log(`SKIP report_browser: ${why} (make browser-deps installs it)`);
  if (process.env.CI) {
    console.log("FAIL under CI the browser test may not be skipped");
    process.exit(1);
  }
  process.exit(77);
}

async function need(name) {
  try {
    return await import(name);
  } catch {
    return skip(`the npm package ${name} is not in tests/report/node_modules`);
  }
}

function which(prog) {
  for (const dir of (process.env.PATH || "").split(":")) {
    const p = path.join(dir, prog);
    if (dir && fs.existsSync(p)) return p;
  }
  return null;
}

// A fontconfig file that knows only DejaVu, unhinted and greyscale.
function fontConfig(dir) {
  const fontDir = "/usr/share/fonts/truetype/dejavu";
  if (!fs.existsSync(path.join(fontDir, "DejaVuSans.ttf"))) skip("fonts-dejavu-core is missing");
  const file = path.join(dir, "fonts.conf");
  fs.writeFileSync(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${fontDir}</dir>
  <cachedir>${path.join(dir, "fontcache")}</cachedir>
  <alias binding="same"><family>system-ui</family><prefer><family>DejaVu Sans</family></prefer></alias>
  <alias binding="same"><family>sans-serif</family><prefer><family>DejaVu Sans</family></prefer></alias>
  <alias binding="same"><family>serif</family><prefer><family>DejaVu Serif</family></prefer></alias>
  <alias binding="same"><family>monospace</family><prefer><family>DejaVu Sans Mono</family></prefer></alias>
  <match target="pattern">
    <edit name="family" mode="append_last"><string>DejaVu Sans</string></edit>
  </match>
  <match target="font">
    <edit name="hinting" mode="assign"><bool>false</bool></edit>
    <edit name="antialias" mode="assign"><bool>true</bool></edit>
    <edit name="rgba" mode="assign"><const>none</const></edit>
    <edit name="autohint" mode="assign"><bool>false</bool></edit>
  </match>
</fontconfig>
`,
  );
  return file;
}

// The documents to render: the demo's (its clock and version pinned, so the
// page does not change with every run or release) and the edge cases.
function documents(dir) {
  const docs = {};
  execFileSync(tegn, ["demo", datasets], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  const demo = JSON.parse(fs.readFileSync(path.join(dir, "out", "indikatorer.json"), "utf8"));
  demo.meta.started_at = "2026-01-01T02:00:00Z";
  demo.meta.tegn_version = "0.0.0";
  demo.meta.script = "scripts/alle.lua"; // not the checkout's folder
  for (const input of demo.meta.inputs) input.path = `datasets/${path.basename(input.path)}`;
  docs.demo = path.join(dir, "demo.json");
  fs.writeFileSync(docs.demo, JSON.stringify(demo, null, 1));
  if (readme) return docs;
  docs.fixture = path.join(HERE, "fixture.json");
  execFileSync("python3", [path.join(HERE, "edge_docs.py"), path.join(dir, "docs")]);
  for (const f of fs.readdirSync(path.join(dir, "docs")).sort())
    if (f.endsWith(".json")) docs[f.slice(0, -5)] = path.join(dir, "docs", f);
  return docs;
}

function render(docs, dir) {
  const pages = {};
  for (const [name, doc] of Object.entries(docs)) {
    pages[name] = path.join(dir, `${name}.html`);
    execFileSync(tegn, ["report", doc, "--out", pages[name]]);
  }
  return pages;
}

async function launch(puppeteer, dir, fonts) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  return puppeteer.launch({
    executablePath: process.env.TEGN_CHROMIUM || which("chromium"),
    headless: true,
    pipe: true,
    userDataDir: path.join(dir, "profil"),
    env: { ...process.env, FONTCONFIG_FILE: fonts, HOME: dir, TZ: "Europe/Copenhagen", LANG: "da_DK.UTF-8" },
    defaultViewport: { width: WIDTH, height: 800, deviceScaleFactor: 1 },
    protocolTimeout: 120000,
    args: [
      ...(root ? ["--no-sandbox"] : []),
      "--disable-gpu",
      "--force-device-scale-factor=1",
      "--hide-scrollbars",
      "--font-render-hinting=none",
      "--disable-lcd-text",
      "--force-color-profile=srgb",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-extensions",
      "--disable-dev-shm-usage",
    ],
  });
}

async function open(browser, file) {
  const page = await browser.newPage();
  await page.goto(`file://${file}`, { waitUntil: "load", timeout: 120000 });
  await page.evaluate(() => document.fonts.ready);
  return page;
}

// The screenshot as committed: half size, each 2 x 2 block averaged, in grey
// (luma). A third of the bytes of a full-size colour image, and anti-aliasing
// noise averaged out, while a moved word, bar or line still changes its
// blocks. Grey is what the report must read in anyway (every verdict has a
// symbol and a word); its colours' contrast is axe's color-contrast rule.
function halve(PNG, png) {
  const src = PNG.sync.read(png);
  const w = src.width >> 1;
  const h = src.height >> 1;
  const out = new PNG({ width: w, height: h });
  const luma = (y, x) => {
    const i = (y * src.width + x) * 4;
    return 0.299 * src.data[i] + 0.587 * src.data[i + 1] + 0.114 * src.data[i + 2];
  };
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = (luma(2 * y, 2 * x) + luma(2 * y, 2 * x + 1) + luma(2 * y + 1, 2 * x) + luma(2 * y + 1, 2 * x + 1)) / 4;
      const i = (y * w + x) * 4;
      out.data[i] = out.data[i + 1] = out.data[i + 2] = Math.round(v);
      out.data[i + 3] = 255;
    }
  return PNG.sync.write(out, { colorType: 0, inputHasAlpha: true, deflateLevel: 9 });
}

function compare(PNG, pixelmatch, name, full) {
  const shot = halve(PNG, full);
  const ref = path.join(SHOTS, `${name}.png`);
  if (process.env.TG_UPDATE_SCREENSHOTS === "1") {
    fs.mkdirSync(SHOTS, { recursive: true });
    fs.writeFileSync(ref, shot);
    console.log(`wrote ${path.relative(process.cwd(), ref)}`);
    return;
  }
  const actual = path.join(work, `${name}.png`);
  fs.writeFileSync(actual, shot);
  if (!fs.existsSync(ref)) {
    check(false, `${name}: no reference ${ref} (TG_UPDATE_SCREENSHOTS=1 writes it)`);
    return;
  }
  const a = PNG.sync.read(fs.readFileSync(ref));
  const b = PNG.sync.read(shot);
  if (a.width !== b.width || a.height !== b.height) {
    check(false, `${name}: ${b.width}x${b.height}, the reference is ${a.width}x${a.height} (see ${actual})`);
    return;
  }
  const diff = new PNG({ width: a.width, height: a.height });
  const n = pixelmatch(a.data, b.data, diff.data, a.width, a.height, { threshold: THRESHOLD, includeAA: true });
  const limit = MAX_PIXELS;
  console.log(`  ${name}: ${n} of ${a.width * a.height} pixels differ from the reference (at most ${limit})`);
  if (n > limit) fs.writeFileSync(path.join(work, `${name}.diff.png`), PNG.sync.write(diff));
  check(n <= limit, `${name}: ${n} pixels differ from the reference (at most ${limit}; see ${actual})`);
}

async function axe(page, name, source, expect = 0) {
  await page.addScriptTag({ content: source });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    AXE_TAGS,
  );
  if (expect) {
    const ids = result.violations.map((v) => v.id);
    check(ids.includes("image-alt") && ids.includes("html-has-lang"), `axe missed the canary's faults: ${ids}`);
    return;
  }
  for (const v of result.violations)
    console.log(`  axe ${name}: ${v.id} (${v.impact}): ${v.help}; ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  check(result.violations.length === 0, `${name}: ${result.violations.length} axe violations`);
}

// A page with faults both checkers must find, so a checker that silently
// checks nothing (a rule set that matches no rule, a jar that reads no file)
// fails the test instead of passing it.
const CANARY = `<!DOCTYPE html>
<html><head><title>kanariefugl</title></head>
<body><img src="x.png"><p><div>blok i et afsnit</div></p></body></html>
`;

function vnu(pages) {
  const jar = path.join(HERE, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
  // A short run: the quick compiler and the serial collector start the JVM
  // in a third of the time (28 s against 10 s on a busy machine).
  const jvm = ["-Xss2m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"];
  const files = { ...pages, canary: path.join(work, "canary.html") };
  let out = "";
  try {
    execFileSync("java", [...jvm, "-jar", jar, "--errors-only", "--format", "json", ...Object.values(files)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    out = e.stderr ? e.stderr.toString() : String(e);
  }
  let messages = [];
  try {
    messages = JSON.parse(out).messages;
  } catch {
    check(false, `vnu did not run: ${out.slice(0, 300)}`);
    return;
  }
  for (const [name, file] of Object.entries(files)) {
    const mine = messages.filter((m) => (m.url || "").endsWith(`/${path.basename(file)}`));
    if (name === "canary") {
      check(mine.length > 0, "vnu found no error in the canary page");
      continue;
    }
    for (const m of mine) console.log(`  vnu ${name}:${m.lastLine}: ${m.message}`);
    check(mine.length === 0, `${name}: ${mine.length} HTML errors (vnu)`);
  }
}

async function main() {
  if (!tegn || !datasets || !work) {
    console.log("usage: node browser.mjs TEGN DATASETS WORKDIR [--readme FILE.png]");
    process.exit(64);
  }
  if (!(process.env.TEGN_CHROMIUM || which("chromium"))) skip("chromium is not installed");
  if (!readme && !which("java")) skip("java is not installed");
  const puppeteer = (await need("puppeteer-core")).default;
  const { PNG } = (await need("pngjs")).default;
  const pixelmatch = (await need("pixelmatch")).default;
  const axeSource = fs.readFileSync(path.join(HERE, "node_modules", "axe-core", "axe.min.js"), "utf8");

  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tegn-browser-"));
  try {
    const t0 = Date.now();
    const pages = render(documents(dir), work);
    const t1 = Date.now();
    const browser = await launch(puppeteer, dir, fontConfig(dir));
    try {
      if (readme) {
        const page = await open(browser, pages.demo);
        await page.setViewport({ width: WIDTH, height: 1200, deviceScaleFactor: 1 });
        fs.writeFileSync(readme, await page.screenshot({ type: "png" }));
        console.log(`wrote ${readme}`);
        return;
      }
      for (const [name, file] of Object.entries(pages)) {
        const t = Date.now();
        const page = await open(browser, file);
        compare(PNG, pixelmatch, name, Buffer.from(await page.screenshot({ fullPage: true, type: "png" })));
        const shot = Date.now();
        await axe(page, name, axeSource);
        console.log(`  ${name}: screenshot ${((shot - t) / 1000).toFixed(1)} s, axe ${((Date.now() - shot) / 1000).toFixed(1)} s`);
        await page.close();
      }
      fs.writeFileSync(path.join(work, "canary.html"), CANARY);
      const canary = await open(browser, path.join(work, "canary.html"));
      await axe(canary, "canary", axeSource, 1);
    } finally {
      await browser.close();
    }
    const t2 = Date.now();
    vnu(pages);
    const s = (a, b) => ((b - a) / 1000).toFixed(1);
    console.log(`  time: documents ${s(t0, t1)} s, Chromium and axe ${s(t1, t2)} s, vnu ${s(t2, Date.now())} s`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`report_browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(`FAIL ${e.stack || e}`);
  process.exit(1);
});
