/* Case photos from a phone over a slow link: the report form and the case page's steps.
 *
 * Around each photos input, <div data-photo-field data-text-…> (cases/_photos_field.html):
 * - the photos picked are shrunk here, before anything is sent: longest side 1600 px, JPEG 0.8,
 *   turned upright by their EXIF orientation (a canvas keeps no EXIF: no place, no phone), and
 *   put back into the input, so that the form sends the small ones however it is sent;
 * - each is shown, drawn on a canvas (the Content-Security-Policy allows no blob: image);
 * - the form is sent by XMLHttpRequest, with a progress bar. A redirect comes back as 204 with
 *   X-Redirect (cases.views.redirect_told_to_script) and the browser goes there; any other page
 *   (a refused form, 400) replaces this one as if loaded, and the photos are put back into its
 *   form's input. Its scripts run again in this window: they keep to functions and `var`, no
 *   top-level `const`, `let` or `class` (a second declaration would throw).
 * Without this script the input and the form work as plain HTML, sending the photos as taken.
 */
(function () {
  "use strict";

  const MAX_SIDE = 1600; // px, longest side
  const QUALITY = 0.8; // JPEG
  const PREVIEW_SIDE = 96; // CSS px, see photos.css

  const pending = new WeakMap(); // photo field → the promise of its photos being shrunk

  if (typeof createImageBitmap !== "function" || typeof DataTransfer !== "function") {
    return; // an old browser: the plain form
  }

  // The field app (field/field.js) shrinks the photos it keeps on the phone the same way.
  window.wanggeShrinkPhoto = function (file) {
    return shrink(file);
  };

  function fieldOf(input) {
    return input.closest("[data-photo-field]");
  }

  function inputOf(field) {
    return field.querySelector("input[type=file]");
  }

  function jpegName(name) {
    return name.replace(/\.[^./]*$/, "") + ".jpg";
  }

  function kilobytes(bytes) {
    return bytes < 1024 * 1024
      ? Math.max(1, Math.round(bytes / 1024)) + " KB"
      : (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function decode(file) {
    return createImageBitmap(file, { imageOrientation: "from-image" });
  }

  function drawn(bitmap, width, height) {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff"; // what is transparent in a PNG: white, not JPEG's black
    context.fillRect(0, 0, width, height);
    context.imageSmoothingQuality = "high";
    context.drawImage(bitmap, 0, 0, width, height);
    return canvas;
  }

  /* The photo at most MAX_SIDE on its longest side, as a JPEG, or the file itself when the
   * browser cannot read it (the server says why) or when it is small already. */
  function shrink(file) {
    if (!/^image\/(jpeg|png|webp|bmp)$/.test(file.type)) {
      return Promise.resolve(file); // a GIF keeps its frames; HEIC and others: the server decides
    }
    return decode(file).then(
      function (bitmap) {
        const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
        const canvas = drawn(
          bitmap,
          Math.round(bitmap.width * scale),
          Math.round(bitmap.height * scale),
        );
        bitmap.close();
        return new Promise(function (resolve) {
          canvas.toBlob(
            function (blob) {
              const smaller = blob && (scale < 1 || blob.size < file.size);
              resolve(
                smaller
                  ? new File([blob], jpegName(file.name), {
                      type: "image/jpeg",
                      lastModified: file.lastModified,
                    })
                  : file,
              );
            },
            "image/jpeg",
            QUALITY,
          );
        });
      },
      function () {
        return file;
      },
    );
  }

  function statusOf(field) {
    let status = field.querySelector(".photo-status");
    if (!status) {
      status = document.createElement("p");
      status.className = "photo-status";
      status.setAttribute("role", "status");
      field.appendChild(status);
    }
    return status;
  }

  /* One small square picture per photo, under the input. */
  function showPreviews(field, files) {
    let list = field.querySelector(".photo-previews");
    if (!list) {
      list = document.createElement("ul");
      list.className = "photo-previews";
      field.insertBefore(list, field.querySelector(".photo-status"));
    }
    list.replaceChildren();
    const side = Math.round(PREVIEW_SIDE * (window.devicePixelRatio || 1));
    return files.reduce(function (previous, file) {
      return previous.then(function () {
        const item = document.createElement("li");
        item.className = "photo-preview";
        const size = document.createElement("span");
        size.className = "photo-preview__size";
        size.textContent = kilobytes(file.size);
        list.appendChild(item);
        return decode(file).then(
          function (bitmap) {
            // The middle square of the photo, like the thumbnails of the case page.
            const cut = Math.min(bitmap.width, bitmap.height);
            const canvas = document.createElement("canvas");
            canvas.width = side;
            canvas.height = side;
            canvas.setAttribute("role", "img");
            canvas.setAttribute("aria-label", file.name);
            const context = canvas.getContext("2d");
            context.imageSmoothingQuality = "high";
            context.drawImage(
              bitmap,
              (bitmap.width - cut) / 2,
              (bitmap.height - cut) / 2,
              cut,
              cut,
              0,
              0,
              side,
              side,
            );
            bitmap.close();
            item.append(canvas, size);
          },
          function () {
            const name = document.createElement("span");
            name.className = "photo-preview__name";
            name.textContent = file.name;
            item.append(name, size);
          },
        );
      });
    }, Promise.resolve());
  }

  function putIntoInput(input, files) {
    const transfer = new DataTransfer();
    files.forEach(function (file) {
      transfer.items.add(file);
    });
    input.files = transfer.files;
  }

  function prepare(field) {
    const input = inputOf(field);
    const status = statusOf(field);
    const picked = Array.from(input.files);
    status.textContent = picked.length ? field.dataset.textPreparing : "";
    const work = picked
      .reduce(function (done, file) {
        // One photo at a time: a phone has little memory for several 12-megapixel pictures.
        return done.then(function (files) {
          return shrink(file).then(function (small) {
            return files.concat([small]);
          });
        });
      }, Promise.resolve([]))
      .then(function (files) {
        if (pending.get(field) !== work) {
          return; // picked again meanwhile: that choice wins
        }
        putIntoInput(input, files);
        status.textContent = "";
        return showPreviews(field, files);
      });
    pending.set(field, work);
    return work;
  }

  document.addEventListener("change", function (event) {
    const field = event.target.matches("input[type=file]") && fieldOf(event.target);
    if (field) {
      prepare(field);
    }
  });

  // --- sending ----------------------------------------------------------------------------------

  function progressOf(form, field, submitter) {
    let box = form.querySelector(".photo-progress");
    if (!box) {
      box = document.createElement("div");
      box.className = "photo-progress";
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      const text = document.createElement("span");
      text.className = "photo-progress__text";
      text.setAttribute("role", "status");
      box.append(bar, text);
      const button = submitter || form.querySelector("[type=submit]");
      (button ? button.parentNode : form).insertBefore(box, button);
    }
    box.hidden = false;
    return {
      show: function (percent, words) {
        box.querySelector("progress").value = percent;
        box.querySelector(".photo-progress__text").textContent =
          words || field.dataset.textSending + " " + percent + " %";
      },
    };
  }

  /* The page the server answered (a refused form, 400), in place of this one, as if the browser
   * had loaded it: written into the document, whose scripts then run again (this one too) and
   * whose listeners go. The photos sent wait in KEPT for this script's next run to put them back
   * into the same form (by its action), so that they need not be picked again. */
  const KEPT = "wanggeKeptPhotos";

  function showPage(html, sent, photos) {
    window[KEPT] = { action: sent.getAttribute("action") || "", photos: photos };
    document.open();
    document.write(html);
    document.close();
  }

  function keepPhotos() {
    const kept = window[KEPT];
    delete window[KEPT];
    const form = Array.from(document.forms).find(function (each) {
      return (each.getAttribute("action") || "") === kept.action;
    });
    if (!form) {
      return; // the step is no longer offered: nothing to put them into
    }
    kept.photos.forEach(function (photos) {
      const input = form.querySelector("input[type=file][name='" + photos.name + "']");
      const field = input && fieldOf(input);
      if (!field || !photos.files.length) {
        return;
      }
      putIntoInput(input, photos.files);
      showPreviews(field, photos.files);
      statusOf(field).textContent = field.dataset.textKept;
    });
  }

  function showFirstProblem() {
    // What the form says is wrong, else what the page says (a step no longer offered).
    const problem =
      document.querySelector("form .errors, form .field--error") ||
      document.querySelector(".message--error");
    if (problem) {
      problem.scrollIntoView({ block: "center" });
    } else {
      window.scrollTo(0, 0);
    }
  }

  function send(form, submitter, fields) {
    const field = fields[0];
    const progress = progressOf(form, field, submitter);
    const kept = fields.map(function (each) {
      const input = inputOf(each);
      return { name: input.name, files: Array.from(input.files) };
    });
    const data = submitter ? new FormData(form, submitter) : new FormData(form);
    if (submitter) {
      submitter.disabled = true;
    }
    progress.show(0);

    function failed() {
      progress.show(0, field.dataset.textFailed);
      if (submitter) {
        submitter.disabled = false;
      }
    }

    const request = new XMLHttpRequest();
    // A button may send the form elsewhere ("me too"); without formaction, .formAction is the page.
    request.open("POST", submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        progress.show(Math.floor((event.loaded / event.total) * 100));
      }
    });
    request.addEventListener("load", function () {
      const next = request.getResponseHeader("X-Redirect");
      if (request.status === 204 && next) {
        progress.show(100, field.dataset.textSent);
        window.location.assign(next);
      } else if ((request.getResponseHeader("Content-Type") || "").startsWith("text/html")) {
        showPage(request.responseText, form, kept);
      } else {
        failed();
      }
    });
    request.addEventListener("error", failed);
    request.addEventListener("abort", failed);
    request.addEventListener("timeout", failed);
    request.send(data);
  }

  if (window[KEPT]) {
    keepPhotos();
    showFirstProblem();
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    const fields = Array.from(form.querySelectorAll("[data-photo-field]"));
    const withPhotos = fields.filter(function (field) {
      return pending.has(field) || inputOf(field).files.length;
    });
    if (event.defaultPrevented || form.method.toLowerCase() !== "post" || !withPhotos.length) {
      return; // nothing picked: the browser sends the form as usual
    }
    event.preventDefault();
    const submitter = event.submitter;
    if (submitter) {
      submitter.disabled = true; // no second report while the photos are being prepared
    }
    Promise.all(
      withPhotos.map(function (field) {
        return pending.get(field);
      }),
    ).then(function () {
      if (submitter) {
        submitter.disabled = false;
      }
      send(form, submitter, withPhotos);
    });
  });
})();
