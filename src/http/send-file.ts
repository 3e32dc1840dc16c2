import type { Request, RequestHandler, Response } from "express";

/** A stored file as a service answers it for sending: where it is, its type (detected from its bytes) and its name. */
export interface SendableFile {
  path: string;
  mime: string;
  downloadName: string;
}

/** Media and PDF may be shown in the page; anything else (an Office file, say) is only ever downloaded. */
export function shownInline(mime: string): boolean {
  return mime.startsWith("video/") || mime.startsWith("image/") || mime === "application/pdf";
}

/**
 * The headers of an uploaded file: the type detected at upload, never one guessed from the file's name
 * (a PDF named `x.html` must not come back as HTML), nosniff so the browser does not guess either, and
 * `attachment` on `?download` and for anything that is not media or PDF, which are shown inline.
 */
function setUploadHeaders(res: Response, file: SendableFile, download: boolean): void {
  // res.attachment also sets a type from the name's extension: the detected type is set after it.
  if (download || !shownInline(file.mime)) res.attachment(file.downloadName);
  res.type(file.mime);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Cache-Control", "private, max-age=0");
}

/**
 * A handler that streams the file `find` answers for the request, with Range support (206/416), its
 * type, and its name on download (`?download`). Who may read the file is for `find` (a service) to say.
 */
export function sendFile(find: (req: Request) => Promise<SendableFile>): RequestHandler {
  return async (req, res, next) => {
    const file = await find(req);
    setUploadHeaders(res, file, req.query.download !== undefined);
    res.sendFile(file.path, { dotfiles: "allow", cacheControl: false }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  };
}
