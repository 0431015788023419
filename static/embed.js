/*
 * assent signup embed. On a page of a site's allowed origins:
 *   <div data-assent-site="{site}"><a href="{BASE_URL}/s/{site}">Subscribe</a></div>
 *   <script src="{BASE_URL}/embed.js" async></script>
 * It reads the form from {BASE_URL}/s/{site}/form.json (in the page's language, or data-lang),
 * renders it into the element (nothing ticked, every field labelled, errors tied to their
 * fields, a live region for the result), and posts it as JSON; the answer replaces the form,
 * and the page never navigates. A site that offers SMS gets SMS boxes and a number field; an SMS
 * signup is answered with a link that opens our code page in a new tab, where the code is typed.
 * Without script the link stays. No dependencies. A few plain styles for the assent-* classes
 * come first in the page's <head>, so the page's own rules win; data-assent-style="none" on the
 * element leaves them out.
 */
(function () {
  'use strict';
  var script = document.currentScript || document.querySelector('script[src$="/embed.js"]');
  if (!script || !window.fetch) return;
  var base = script.src.replace(/\/embed\.js(?:[?#].*)?$/, '');
  var made = 0;
  var turnstileLoaded = false;
  var styled = false;
  var STYLE =
    '.assent-form{max-width:40rem;font:inherit}.assent-form fieldset{border:1px solid #d4d4d8;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}' +
    '.assent-category{display:grid;grid-template-columns:auto 1fr;gap:.25rem .75rem;padding:.5rem 0}.assent-details{grid-column:2;opacity:.85}' +
    '.assent-details p,.assent-details dl{margin:0}.assent-details dt{font-weight:600}.assent-details dd{margin:0 0 .25rem}' +
    '.assent-field{margin:1rem 0}.assent-field label{display:block;font-weight:600;margin-bottom:.25rem}' +
    '.assent-field input{box-sizing:border-box;width:100%;font:inherit;padding:.5rem .6rem;border:1px solid #a1a1aa;border-radius:6px}' +
    '.assent-optional{font-weight:400}.assent-error{color:#b91c1c;font-weight:600;margin:.25rem 0}' +
    '.assent-form button{font:inherit;font-weight:600;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#1d4ed8;color:#fff;cursor:pointer}' +
    '.assent-hint{margin:.25rem 0;opacity:.85}.assent-button{display:inline-block;font-weight:600;padding:.6rem 1.2rem;border-radius:6px;background:#1d4ed8;color:#fff;text-decoration:none}' +
    '.assent-form button[disabled]{opacity:.6}.assent-status:empty{display:none}';

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === 'text') node.textContent = value;
      else node.setAttribute(key, value === true ? '' : value);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function addStyle() {
    if (styled) return;
    styled = true;
    document.head.insertBefore(el('style', { text: STYLE }), document.head.firstChild);
  }

  function mount(host, notice) {
    var site = host.getAttribute('data-assent-site');
    var lang = (host.getAttribute('data-lang') || document.documentElement.lang || navigator.language || '').slice(0, 2);
    fetch(base + '/s/' + encodeURIComponent(site) + '/form.json?lang=' + encodeURIComponent(lang), { credentials: 'omit' })
      .then(function (res) {
        if (!res.ok) throw new Error('form.json ' + res.status);
        return res.json();
      })
      .then(function (form) {
        render(host, form, notice);
      })
      .catch(function () {
        // The fallback link to the hosted page stays.
      });
  }

  function render(host, form, notice) {
    if (host.getAttribute('data-assent-style') !== 'none') addStyle();
    var L = form.labels;
    var id = 'assent-' + ++made + '-';
    var status = el('p', { class: 'assent-status', role: 'status', 'aria-live': 'polite' });
    var errors = {};
    var inputs = {};

    function errorFor(name) {
      errors[name] = el('p', { class: 'assent-error', id: id + name + '-error', hidden: true });
      return errors[name];
    }

    function details(detailsId, category) {
      return el('div', { class: 'assent-details', id: detailsId }, [
        el('p', { text: category.description }),
        el('dl', {}, [el('dt', { text: L.purpose }), el('dd', { text: category.purpose }), el('dt', { text: L.frequency }), el('dd', { text: category.frequency })]),
      ]);
    }

    var boxes = form.categories.map(function (category) {
      var box = el('input', { type: 'checkbox', name: 'categories', value: category.key, id: id + category.key, 'aria-describedby': id + category.key + '-details' });
      return el('div', { class: 'assent-category' }, [
        box,
        el('label', { for: id + category.key }, [el('strong', { text: category.name })]),
        details(id + category.key + '-details', category),
      ]);
    });
    var choose = el('fieldset', { class: 'assent-categories', 'aria-describedby': id + 'categories-error' }, [el('legend', { text: L.choose }), errorFor('categories')].concat(boxes));

    function field(name, label, attrs, hint) {
      var described = (hint ? id + name + '-hint ' : '') + id + name + '-error';
      inputs[name] = el('input', Object.assign({ name: name, id: id + name, 'aria-describedby': described }, attrs));
      return el('div', { class: 'assent-field' }, [el('label', { for: id + name }, label), hint ? el('p', { class: 'assent-hint', id: id + name + '-hint', text: hint }) : null, errorFor(name), inputs[name]]);
    }

    // The categories offered by SMS too: boxes of their own, the rates notice and the number.
    var S = form.sms;
    var smsBoxes = [];
    var sms = null;
    if (S) {
      smsBoxes = S.categories.map(function (category) {
        var key = id + 'sms-' + category.key;
        return el('div', { class: 'assent-category' }, [
          el('input', { type: 'checkbox', name: 'sms_categories', value: category.key, id: key, 'aria-describedby': key + '-details' }),
          el('label', { for: key }, [el('strong', { text: category.label })]),
          details(key + '-details', category),
        ]);
      });
      sms = el('fieldset', { class: 'assent-sms' }, [el('legend', { text: S.legend })].concat(smsBoxes, [
        S.ratesNotice ? el('p', { class: 'assent-hint', text: S.ratesNotice }) : null,
        field('phone', [document.createTextNode(S.phone)], { type: 'tel', autocomplete: 'tel', inputmode: 'tel', maxlength: '40' }, S.phoneHint),
      ]));
    }
    // An address is needed unless only SMS boxes are ticked.
    var email = field('email', [document.createTextNode(L.email)], { type: 'email', autocomplete: 'email', maxlength: '254', required: !S });
    var name = field('name', [document.createTextNode(L.name + ' '), el('span', { class: 'assent-optional', text: L.optional })], { type: 'text', autocomplete: 'name', maxlength: '100' });
    // A trap for bots that fill every field: not shown, not focusable, not read out.
    var trap = el('input', { type: 'text', name: 'website', id: id + 'website', tabindex: '-1', autocomplete: 'off' });
    var honeypot = el('div', { hidden: true, 'aria-hidden': 'true' }, [el('label', { for: id + 'website', text: L.honeypot }), trap]);

    var exempt = form.exempt.length
      ? el('section', { class: 'assent-exempt' }, [
          el('h3', { text: L.exemptHeading }),
          el('p', { text: L.exemptIntro }),
          el('ul', {}, form.exempt.map(function (item) {
            return el('li', {}, [el('strong', { text: item.name }), document.createTextNode(L.separator + item.description)]);
          })),
        ])
      : null;
    var consent = el('section', { class: 'assent-consent' }, [
      el('h3', { text: L.consentHeading }),
      el('p', { text: form.consent.statement }),
      S ? el('p', { text: S.statement }) : null,
      el('p', {}, [el('a', { href: form.consent.privacyUrl, target: '_blank', rel: 'noopener', text: form.consent.privacyLabel + ' ' + L.opensInNewTab })]),
    ]);
    var widget = null;
    if (form.turnstileSiteKey) {
      widget = el('div', { class: 'cf-turnstile', 'data-sitekey': form.turnstileSiteKey, 'data-language': form.lang });
      if (!turnstileLoaded) {
        turnstileLoaded = true;
        document.head.appendChild(el('script', { src: 'https://challenges.cloudflare.com/turnstile/v0/api.js', async: true, defer: true }));
      }
    }
    var button = el('button', { type: 'submit', text: L.submit });
    var formEl = el('form', { class: 'assent-form', lang: form.lang, novalidate: true, action: form.action, method: 'post' }, [
      el('h2', { text: form.title }),
      choose,
      sms,
      exempt,
      email,
      name,
      honeypot,
      consent,
      widget,
      button,
    ]);
    host.replaceChildren(formEl, status);
    if (notice) status.textContent = notice;

    formEl.addEventListener('submit', function (event) {
      event.preventDefault();
      Object.keys(errors).forEach(function (key) {
        errors[key].hidden = true;
        errors[key].textContent = '';
        if (inputs[key]) inputs[key].removeAttribute('aria-invalid');
      });
      function ticked(rows) {
        return rows.map(function (row) { return row.firstChild; }).filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
      }
      var token = formEl.querySelector('[name="cf-turnstile-response"]');
      var body = {
        email: inputs.email.value,
        name: inputs.name.value,
        categories: ticked(boxes),
        consent: form.consent.sha256,
        // The form names the very document it was rendered from, for the evidence.
        form: form.formSha256 || '',
        lang: form.lang,
        website: trap.value,
        page: location.href,
        'cf-turnstile-response': token ? token.value : '',
      };
      if (S) {
        body.phone = inputs.phone.value;
        body.sms_categories = ticked(smsBoxes);
      }
      button.disabled = true;
      status.textContent = L.sending;
      fetch(form.action, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit' })
        .then(function (res) {
          return res.json().then(function (answer) {
            return { status: res.status, answer: answer };
          });
        })
        .then(function (result) {
          var answer = result.answer;
          if (result.status === 200) {
            var done = el('div', { class: 'assent-done', tabindex: '-1' }, [el('h2', { text: answer.title })].concat(answer.paragraphs.map(function (text) {
              return el('p', { text: text });
            })));
            // An SMS signup: the code is typed on our page, in a new tab (only a page of ours).
            if (answer.status === 'sms_code' && S && String(answer.codeUrl).indexOf(form.action + '/sms/') === 0) {
              done.appendChild(el('p', {}, [el('a', { class: 'assent-button', href: answer.codeUrl, target: '_blank', rel: 'noopener', text: S.openCode + ' ' + L.opensInNewTab })]));
            }
            host.replaceChildren(done, status);
            status.textContent = answer.title;
            done.focus();
            return;
          }
          // The wording changed while the page was open: show the new one, ask again.
          if (answer.status === 'wording_changed') return mount(host, answer.message);
          var first = null;
          Object.keys(answer.errors || {}).forEach(function (key) {
            if (!errors[key]) return;
            errors[key].textContent = answer.errors[key];
            errors[key].hidden = false;
            if (inputs[key]) inputs[key].setAttribute('aria-invalid', 'true');
            first = first || inputs[key] || formEl.querySelector('input[name="categories"]');
          });
          status.textContent = answer.message || L.failed;
          if (first) first.focus();
          if (window.turnstile && widget) window.turnstile.reset(widget);
        })
        .catch(function () {
          status.textContent = L.failed;
        })
        .then(function () {
          button.disabled = false;
        });
    });
  }

  var hosts = document.querySelectorAll('[data-assent-site]');
  for (var i = 0; i < hosts.length; i++) mount(hosts[i]);
})();
