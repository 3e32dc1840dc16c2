import type { Request, RequestHandler } from "express";

/** A stored file as a service answers it for sending: where it is, its type and size, and its name on download. */
export interface SendableFile {
  path: string;
  mime: string;
  size: number;
  downloadName: string;
}

/**
 * A handler that streams the file `find` answers for the request, with Range support (206/416), its
 * type, and its name on download (`?download`). Who may read the file is for `find` (a service) to say.
 */
export function sendFile(find: (req: Request) => Promise<SendableFile>): RequestHandler {
  return async (req, res, next) => {
    const file = await find(req);
    res.type(file.mime);
    res.set("Cache-Control", "private, max-age=0");
    if (req.query.download !== undefined) res.attachment(file.downloadName);
    res.sendFile(file.path, { dotfiles: "allow", cacheControl: false }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  };
}
