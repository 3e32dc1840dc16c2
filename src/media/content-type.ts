import { fileTypeFromFile } from "file-type";

/** The short type names that contest rules use, with the MIME type served for each. */
export const CONTENT_TYPES = {
  mp4: "video/mp4",
  mov: "video/quicktime",
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
} as const;

export type ContentType = keyof typeof CONTENT_TYPES;

/** The file name extension of each type, for names given on download. */
export const EXTENSIONS: Record<ContentType, string> = {
  mp4: "mp4",
  mov: "mov",
  pdf: "pdf",
  docx: "docx",
  pptx: "pptx",
  jpeg: "jpg",
  png: "png",
  webp: "webp",
};

/**
 * A name to download a file under whose extension says its detected type: `x.html` holding a PDF is
 * offered as `x.pdf`, so a saved copy is not opened as a web page. A name that already fits is kept.
 */
export function nameForType(name: string, type: ContentType): string {
  const dot = name.lastIndexOf(".");
  const base = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  const fits = extension === EXTENSIONS[type] || FROM_EXTENSION[extension] === type || extension === type;
  return fits ? name : `${base || "file"}.${EXTENSIONS[type]}`;
}

export const VIDEO_TYPES: readonly ContentType[] = ["mp4", "mov"];

// file-type's extension → our name (m4v is an MP4 with another brand).
const FROM_EXTENSION: Record<string, ContentType> = {
  mp4: "mp4",
  m4v: "mp4",
  mov: "mov",
  qt: "mov",
  pdf: "pdf",
  docx: "docx",
  pptx: "pptx",
  jpg: "jpeg",
  png: "png",
  webp: "webp",
};

/** The type read from the file's bytes (never its name or the client's MIME), or null when unknown to us. */
export async function detectContentType(
  filePath: string,
): Promise<{ type: ContentType | null; detected: string | null }> {
  const found = await fileTypeFromFile(filePath);
  if (!found) return { type: null, detected: null };
  return { type: FROM_EXTENSION[found.ext] ?? null, detected: found.ext };
}
