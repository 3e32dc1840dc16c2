/**
 * Real files carrying real metadata that names people and places, made with the real tools (exiftool,
 * ffmpeg) or, for Office files, zipped here: what blind files must strip before a judge sees them.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { crc32 } from "node:zlib";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { solidImage } from "./media.js";

const run = promisify(execFile);

export const EXIFTOOL = "/usr/bin/exiftool";

/** The person, the unit, the city and the co-author every file below names somewhere in its metadata. */
export const NAMES = ["张三", "河北大学", "保定", "李四"];

/** Whether the bytes carry the text in any encoding metadata uses: UTF-8, or UTF-16 either way round. */
export function carries(bytes: Buffer, text: string): boolean {
  const utf16le = Buffer.from(text, "utf16le");
  const utf16be = Buffer.from(utf16le).swap16();
  // XML written as ASCII (mat2 does) spells every character as a reference: &#24352;&#19977;
  const codePoints = [...text].map((c) => c.codePointAt(0)!);
  const decimal = codePoints.map((c) => `&#${c};`).join("");
  const hex = codePoints.map((c) => `&#x${c.toString(16)};`).join("");
  return [Buffer.from(text, "utf8"), utf16le, utf16be, Buffer.from(decimal), Buffer.from(hex)].some(
    (needle) => bytes.includes(needle) || bytes.toString("latin1").toLowerCase().includes(needle.toString("latin1")),
  );
}

/** XML text with its character references read: what a reader of the document sees. */
export function xmlText(xml: string): string {
  return xml.replace(/&#(x?)([0-9a-f]+);/gi, (_, hex: string, digits: string) =>
    String.fromCodePoint(parseInt(digits, hex ? 16 : 10)),
  );
}

/** The duration of each stream and of the container, by ffprobe. */
export async function durations(ffprobe: string, file: string): Promise<{ format: number; streams: number[] }> {
  const { stdout } = await run(ffprobe, [
    ...["-v", "error", "-print_format", "json", "-show_entries", "format=duration:stream=duration", file],
  ]);
  const out = JSON.parse(stdout) as { format: { duration: string }; streams: { duration: string }[] };
  return { format: Number(out.format.duration), streams: out.streams.map((s) => Number(s.duration)) };
}

/** Every tag exiftool reads from the file (all groups, duplicates kept), as one JSON object. */
export async function exiftoolTags(file: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(EXIFTOOL, ["-j", "-a", "-G1", "-n", file], { maxBuffer: 16 * 1024 * 1024 });
  return (JSON.parse(stdout) as Record<string, unknown>[])[0];
}

/** The tags (group:name) whose values contain one of the names. */
export async function tagsNaming(file: string, names = NAMES): Promise<string[]> {
  const tags = await exiftoolTags(file);
  return Object.entries(tags)
    .filter(([key, value]) => !key.startsWith("System:") && names.some((n) => JSON.stringify(value).includes(n)))
    .map(([key]) => key);
}

/** The GPS tags of a file (exiftool's names for coordinates in EXIF, XMP and QuickTime). */
export async function gpsTags(file: string): Promise<string[]> {
  return Object.keys(await exiftoolTags(file)).filter((k) => /GPS|Location/i.test(k));
}

export function scratchDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "sw-meta-"));
}

/** A fresh folder inside `dir` for one made file, so files can be made again under the same names. */
const fresh = (dir: string): string => mkdtempSync(path.join(dir, "made-"));

/** A valid one-page PDF with a line of text, its cross-reference table computed (exiftool refuses PDFs without one). */
function plainPdf(): string {
  const content = "BT /F1 24 Tf 72 720 Td (Science Week slides) Tj ET";
  const objects = [
    "<</Type/Catalog/Pages 2 0 R>>",
    "<</Type/Pages/Kids[3 0 R]/Count 1>>",
    "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
    `<</Length ${content.length}>>\nstream\n${content}\nendstream`,
    "<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
  ];
  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((n) => `${String(n).padStart(10, "0")} 00000 n \n`).join("");
  return `${pdf}trailer\n<</Size ${objects.length + 1}/Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
}

/** A slides PDF whose Info dictionary and XMP name the author, his unit and city: /Author(张三 河北大学). */
export async function pdfNamingAuthor(parent: string): Promise<string> {
  const dir = fresh(parent);
  const plain = path.join(dir, "plain.pdf");
  writeFileSync(plain, plainPdf());
  const file = path.join(dir, "张三-slides.pdf");
  await run(EXIFTOOL, [
    "-q",
    "-Author=张三 河北大学",
    "-Creator=张三的电脑",
    "-Title=保定 张三 的课件",
    "-Subject=李四 指导",
    "-XMP-dc:Creator=张三",
    "-XMP-pdf:Producer=河北大学 教务处",
    "-o",
    file,
    plain,
  ]);
  return file;
}

/** Bytes that start like a PDF (so they pass the type check) but that no tool can read: cannot be anonymized. */
export function brokenPdf(parent: string): string {
  const dir = fresh(parent);
  const file = path.join(dir, "broken.pdf");
  writeFileSync(file, `%PDF-1.7\n${"张三 河北大学 这不是一个完整的 PDF\n".repeat(40)}`);
  return file;
}

/** A photo whose EXIF, XMP, IPTC and comment name the photographer and where it was taken (GPS of 保定), turned 90°. */
export async function jpegNamingAuthor(parent: string): Promise<string> {
  const dir = fresh(parent);
  const plain = path.join(dir, "plain.jpg");
  await solidImage(plain, "green");
  const file = path.join(dir, "cover.jpg");
  await run(EXIFTOOL, [
    "-q",
    "-Artist=张三",
    "-Copyright=河北大学 张三",
    "-XPAuthor=张三",
    "-ImageDescription=保定 实验室",
    "-XMP-dc:Creator=张三",
    "-IPTC:By-line=李四",
    "-Comment=河北大学",
    "-GPSLatitude=38.87",
    "-GPSLatitudeRef=N",
    "-GPSLongitude=115.46",
    "-GPSLongitudeRef=E",
    "-Orientation#=6",
    "-o",
    file,
    plain,
  ]);
  return file;
}

/** A PNG whose text chunks and XMP name the author. */
export async function pngNamingAuthor(parent: string): Promise<string> {
  const dir = fresh(parent);
  const plain = path.join(dir, "plain.png");
  await solidImage(plain, "green");
  const file = path.join(dir, "cover.png");
  await run(EXIFTOOL, [
    "-q",
    "-PNG:Author=张三",
    "-PNG:Comment=河北大学 保定",
    "-XMP-dc:Creator=李四",
    "-o",
    file,
    plain,
  ]);
  return file;
}

/** A copy of a video (not re-encoded) tagged with title, artist, comment, location and a stream's handler name. */
export async function videoNamingAuthor(
  source: string,
  parent: string,
  format: "mp4" | "mov" = "mp4",
): Promise<string> {
  const dir = fresh(parent);
  const file = path.join(dir, `张三-video.${format}`);
  await run(ffmpegInstaller.path, [
    ...["-v", "error", "-y", "-i", source, "-map", "0", "-c", "copy"],
    ...["-metadata", "title=张三的科普视频", "-metadata", "artist=张三", "-metadata", "comment=河北大学 李四 指导"],
    ...["-metadata", "location=+38.8700+115.4600/", "-metadata", "copyright=保定 河北大学"],
    ...["-metadata:s:v:0", "handler_name=张三 剪辑"],
    file,
  ]);
  return file;
}

/** A zip of stored (uncompressed) members: enough for the Office formats, which are zips of XML parts. */
export function zip(members: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(members)) {
    const nameBytes = Buffer.from(name, "utf8");
    const data = Buffer.from(text, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(0x00210000, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(members).length, 8);
  end.writeUInt16LE(Object.keys(members).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const CORE = `${XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>实验方案</dc:title><dc:creator>张三</dc:creator><cp:lastModifiedBy>李四 河北大学</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2026-03-01T08:00:00Z</dcterms:created></cp:coreProperties>`;

const APP = `${XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Office Word</Application><Company>河北大学</Company><Manager>保定 张三</Manager></Properties>`;

const rels = (main: string) =>
  `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="${main}"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`;

const contentTypes = (main: string, mainType: string) =>
  `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/${main}" ContentType="${mainType}"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`;

/** The text of the DOCX's body, which must survive anonymizing. */
export const DOCX_TEXT = "用醋和小苏打做火山喷发实验";

/** A minimal DOCX whose docProps (creator, lastModifiedBy, company, manager) name the author and his unit. */
export function docxNamingAuthor(parent: string): string {
  const dir = fresh(parent);
  const file = path.join(dir, "实验方案-张三.docx");
  const main = "word/document.xml";
  writeFileSync(
    file,
    zip({
      "[Content_Types].xml": contentTypes(
        main,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
      ),
      "_rels/.rels": rels(main),
      [main]: `${XML}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${DOCX_TEXT}</w:t></w:r></w:p></w:body></w:document>`,
      "docProps/core.xml": CORE,
      "docProps/app.xml": APP,
    }),
  );
  return file;
}

/** A minimal PPTX (a presentation part and the same docProps naming the author). */
export function pptxNamingAuthor(parent: string): string {
  const dir = fresh(parent);
  const file = path.join(dir, "课件-张三.pptx");
  const main = "ppt/presentation.xml";
  writeFileSync(
    file,
    zip({
      "[Content_Types].xml": contentTypes(
        main,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
      ),
      "_rels/.rels": rels(main),
      [main]: `${XML}<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>`,
      "docProps/core.xml": CORE,
      "docProps/app.xml": APP,
    }),
  );
  return file;
}
