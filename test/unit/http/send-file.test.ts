import { expect } from "chai";
import express from "express";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { sendFile } from "../../../src/http/send-file.js";
import { CONTENT_TYPES, nameForType } from "../../../src/media/content-type.js";

describe("sending an uploaded file", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sw-send-"));
  const file = path.join(dir, "stored-without-extension");
  writeFileSync(file, "bytes");
  after(() => rmSync(dir, { recursive: true, force: true }));

  const appServing = (mime: string, downloadName: string) =>
    express().get(
      "/f",
      sendFile(() => Promise.resolve({ path: file, mime, downloadName })),
    );

  const cases: [string, string, string, boolean][] = [
    ["a video", CONTENT_TYPES.mp4, "片子.html", false],
    ["an image", CONTENT_TYPES.png, "cover.svg", false],
    ["a PDF", CONTENT_TYPES.pdf, "x.html", false],
    ["a Word file", CONTENT_TYPES.docx, "x.html", true],
    ["a PowerPoint file", CONTENT_TYPES.pptx, "slides.pptx", true],
  ];
  for (const [what, mime, name, attachment] of cases) {
    it(`serves ${what} as its detected type with nosniff, ${attachment ? "always as an attachment" : "inline unless ?download"}`, async () => {
      const shown = await request(appServing(mime, name)).get("/f");
      expect(shown.headers["content-type"]).to.equal(mime);
      expect(shown.headers["x-content-type-options"]).to.equal("nosniff");
      if (attachment) expect(shown.headers["content-disposition"]).to.match(/^attachment;/);
      else expect(shown.headers["content-disposition"]).to.equal(undefined);
      const saved = await request(appServing(mime, name)).get("/f?download");
      expect(saved.headers["content-type"]).to.equal(mime);
      expect(saved.headers["content-disposition"]).to.match(/^attachment;/);
    });
  }

  it("names a download with the extension of its detected type, keeping a name that already fits", () => {
    expect(nameForType("x.html", "pdf")).to.equal("x.pdf");
    expect(nameForType("报告", "docx")).to.equal("报告.docx");
    expect(nameForType(".htaccess", "png")).to.equal(".htaccess.png");
    expect(nameForType("推荐表-李明.PDF", "pdf")).to.equal("推荐表-李明.PDF");
    expect(nameForType("cover.jpeg", "jpeg")).to.equal("cover.jpeg");
    expect(nameForType("cover.jpg", "jpeg")).to.equal("cover.jpg");
    expect(nameForType("clip.m4v", "mp4")).to.equal("clip.m4v");
    expect(nameForType("clip.mp4", "mov")).to.equal("clip.mov");
  });
});
