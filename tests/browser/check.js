// Checks HTML pages in headless Chromium (Debian's chromium-headless-shell; puppeteer-core never
// downloads a browser) and prints one JSON object per page on stdout:
//   node check.js CHROMIUM USER_DATA_DIR PAGE.html [PAGE.html ...]
// For each page: axe-core's violations under WCAG 2.0/2.1/2.2 A and AA and best practice (at
// 1280 px and at 360 px), the document's width at a 360 px wide viewport (sideways scrolling),
// the same at 320 px (WCAG's reflow), every request the page tried to make (anything but file:,
// data: and about: is refused and listed), console errors, dialogs (a script that ran), and the
// page's text and a few facts about its structure, for tests/test_html_browser.py to assert on.
"use strict";
const fs = require("fs");
const path = require("path");
const puppeteer = require("puppeteer-core");

const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const LOCAL = /^(file|data|about):/;

async function check(browser, file) {
  const page = await browser.newPage();
  const requests = [];
  const refused = [];
  const errors = [];
  const dialogs = [];
  page.on("dialog", async (d) => { dialogs.push(d.message().slice(0, 200)); await d.dismiss(); });  // a script ran
  await page.setRequestInterception(true);
  page.on("request", (req) => {
    const url = req.url();
    requests.push(url.slice(0, 200));
    if (LOCAL.test(url)) req.continue();
    else { refused.push(url.slice(0, 200)); req.abort("blockedbyclient"); }
  });
  page.on("console", (msg) => { if (msg.type() === "error") errors.push(msg.text().slice(0, 300)); });
  page.on("pageerror", (err) => errors.push(String(err).slice(0, 300)));
  const out = { file, requests, refused, errors, dialogs };

  await page.setViewport({ width: 1280, height: 900 });
  await page.goto("file://" + path.resolve(file), { waitUntil: "load" });
  await page.evaluate(AXE);  // through the DevTools protocol: the page's policy forbids scripts, and keeps doing so
  const axeRun = () => page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, summary: (n.failureSummary || "").slice(0, 300) })) }));
  }, TAGS);
  out.violations = await axeRun();
  out.facts = await page.evaluate(() => {
    const q = (s) => Array.from(document.querySelectorAll(s));
    return {
      lang: document.documentElement.lang,
      title: document.title,
      h1: q("h1").length,
      main: q("main").length,
      figures: q("figure.chart").map((f) => ({
        id: f.id,
        caption: !!f.querySelector(":scope > figcaption"),
        svgName: (() => { const s = f.querySelector("svg[role=img]"); const t = s && s.querySelector("title");
          return t ? t.textContent : ""; })(),
        svgWidth: (() => { const s = f.querySelector("svg"); return s ? s.getBoundingClientRect().width : 0; })(),
        tableRows: f.querySelectorAll("details table tbody tr").length,
        imgAlt: (() => { const i = f.querySelector("img"); return i ? i.alt : ""; })(),
        imgWidth: (() => { const i = f.querySelector("img"); return i ? i.getBoundingClientRect().width : 0; })(),
      })),
      scripts: q("script").length,
      text: document.body.innerText,
    };
  });

  await page.setViewport({ width: 360, height: 740 });
  out.narrow = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    wide: Array.from(document.querySelectorAll("main *, header *, footer *"))
      // what stands out past the screen's edge (a chart's drawing is clipped to its box; a table scrolls in its own)
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
        && !(e.closest("svg") && e.tagName.toLowerCase() !== "svg") && !e.closest(".table-wrap"))
      .slice(0, 5).map((e) => e.tagName + "." + (e.getAttribute("class") || "")),
  }));
  out.narrowViolations = await axeRun();
  // WCAG 1.4.10 reflow: 320 CSS px (1280 px at 400 % zoom) without scrolling sideways
  await page.setViewport({ width: 320, height: 640 });
  out.reflow = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth }));
  await page.close();
  return out;
}

(async () => {
  const [chromium, userDataDir, ...files] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    userDataDir,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  });
  try {
    for (const file of files) process.stdout.write(JSON.stringify(await check(browser, file)) + "\n");
  } finally {
    await browser.close();
  }
})().catch((err) => { console.error(String(err && err.stack || err)); process.exit(1); });
