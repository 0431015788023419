// English message catalog. Every user-facing string lives here and in ja.ts (same shape).

export const en = {
  languageName: 'English',
  common: {
    switchLanguage: 'Language',
    opensInNewTab: '(opens in a new tab)',
    /** Between a label and its value; Japanese uses the full-width one. */
    colon: ': ',
  },
  duration: {
    days: (n: number) => (n === 1 ? '1 day' : `${n} days`),
    hours: (n: number) => (n === 1 ? '1 hour' : `${n} hours`),
    minutes: (n: number) => (n === 1 ? '1 minute' : `${n} minutes`),
  },
  signup: {
    title: (site: string) => `Subscribe to ${site}`,
    intro: (site: string) =>
      `Choose the emails you want from ${site}. Nothing is ticked for you, and you can change your mind at any time.`,
    choose: 'What would you like to receive?',
    purpose: 'Purpose',
    frequency: 'How often',
    exemptHeading: 'Messages we send without asking',
    exemptIntro:
      'These are not advertising. They are sent when needed, for example about an account or an order, and need no consent.',
    email: 'Email address',
    name: 'Name',
    optional: '(optional)',
    consentHeading: 'Your consent',
    consent: (legalName: string) =>
      `By pressing "Subscribe", I agree that ${legalName} may send the kinds of email I have ticked above to the address I entered, for the purposes described. I can withdraw this consent at any time through the link in every email. We will first send an email asking you to confirm.`,
    privacy: (version: string) => `Privacy policy (version ${version})`,
    submit: 'Subscribe',
    sending: 'Sending…',
    /** Between a name and its description in a list. */
    listSeparator: ': ',
    errorSummary: 'Please correct the highlighted fields.',
    errorTitle: (title: string) => `Error: ${title}`,
    errors: {
      emailMissing: 'Enter your email address.',
      emailInvalid: 'Enter an email address like name@example.com.',
      emailTooLong: 'An email address can have at most 254 characters.',
      nameTooLong: 'A name can have at most 100 characters.',
      nameInvalid: 'A name cannot contain line breaks or control characters.',
      categoriesMissing: 'Tick at least one kind of email.',
      categoriesUnknown: 'One of the chosen kinds of email does not exist. Choose from the list.',
      wordingChanged:
        'This page changed while you had it open. Please read it again and resubmit.',
    },
    honeypot: 'Leave this field empty',
    humanMissing:
      'Please complete the check that you are not a robot, just above the Subscribe button, then press Subscribe again.',
    humanFailed: 'We could not confirm that you are not a robot. Please complete the check again and press Subscribe.',
    humanNoScript: 'This form checks that you are not a robot, which needs JavaScript. Please turn it on for this page.',
  },
  checkInbox: {
    title: 'Check your inbox',
    body: 'If the address you entered can receive email, a message with a link to confirm your choices is on its way. Open it and press the button on the page it leads to.',
    expiry: (ttl: string) => `The link works for ${ttl}. Until you confirm, you will receive nothing but that message.`,
    already: 'If you had already confirmed these choices, there is nothing more to do.',
  },
  confirm: {
    title: 'Confirm your subscription',
    intro: (site: string) => `Press the button to confirm that you want these emails from ${site}:`,
    button: 'Confirm',
    nothingYet: 'Nothing changes until you press the button.',
    doneTitle: 'You are confirmed',
    doneIntro: (site: string) => `Thank you. ${site} may now send you:`,
    doneNone: 'There is nothing left to confirm for this link.',
    doneOutro: 'Every email we send has a link to change your choices or unsubscribe.',
    invalidTitle: 'This link does not work',
    invalidLinkBody:
      'It may be incomplete, altered, replaced by a newer link or meant for another page. Use the link in the most recent email you received.',
    invalidBody:
      'It may be incomplete, altered or meant for another page. Copy the whole link from the email, or sign up again.',
    expiredTitle: 'This link has expired',
    expiredBody: (ttl: string) =>
      `Confirmation links work for ${ttl}. We can send a fresh link to the address you signed up with.`,
    resendButton: 'Send me a new link',
    resentTitle: 'A new link is on its way',
    resentBody:
      'If there is still something to confirm, a new email is on its way to the address you signed up with. It may take a minute.',
  },
  unsubscribe: {
    title: 'Unsubscribe',
    questionOne: (category: string, site: string) => `Stop receiving ${category} from ${site}?`,
    questionAll: (site: string) => `Stop all the emails you chose to receive from ${site}?`,
    exemptNote: 'Messages about your account or orders are not advertising and will still be sent when needed.',
    button: 'Unsubscribe',
    allIntro: (site: string) => `Or stop every marketing email from ${site} at once.`,
    buttonAll: 'Stop all marketing email',
    instead: 'Or choose which emails you get',
    doneTitle: 'You are unsubscribed',
    doneOne: (category: string) => `You will no longer receive ${category}.`,
    doneAll: (site: string) => `You will no longer receive the emails you chose from ${site}.`,
    undo: 'Undo',
    undoHint: 'Pressed it by mistake? Undo puts back exactly what you had.',
    oneClickDone: 'You are unsubscribed.',
    restoredTitle: 'Your subscription is back',
    restored: 'These are restored as they were:',
    nothingRestored: 'There was nothing to restore: something changed since you unsubscribed.',
    undoGoneTitle: 'Undo no longer works here',
    undoGoneBody:
      'Undo works once, for 15 minutes after you unsubscribe on this page, and only while nothing else has changed. Nothing was changed. To choose again, use the preferences link in any of our emails.',
    requestTitle: 'Get a new unsubscribe link',
    requestIntro:
      'This unsubscribe link does not work: it may have expired, or be incomplete or altered. Enter your email address and, if it is on our list, we will email you a new link.',
    requestEmail: 'Email address',
    requestButton: 'Email me a new link',
    requestSentTitle: 'Check your inbox',
    requestSentBody:
      'If this address is on our list, an email with a new unsubscribe link is on its way to it. It may take a minute.',
  },
  preferences: {
    title: (site: string) => `Your email preferences for ${site}`,
    intro: (email: string) => `For ${email}. Tick what you want to receive and save.`,
    choose: 'Emails you can choose',
    waiting: 'Waiting for your confirmation: tick and save to confirm it now.',
    waitingEmail: 'Waiting for your confirmation: open the email we sent you, or tick and save to get a new one.',
    /** A granted consent that no longer allows mail, shown on its row: why, and what ticking does. */
    termsChanged: (date: string) =>
      `What these emails are for, or how often they come, changed on ${date}. You agreed to the earlier terms, so we have stopped sending them: tick and save if you agree to the terms above.`,
    termsChangedByEmail: (date: string) =>
      `What these emails are for, or how often they come, changed on ${date}. You agreed to the earlier terms, so we have stopped sending them: tick and save to get a confirmation email for the terms above.`,
    expired: (date: string) =>
      `You received these because you bought from us or asked us something. That permission lasted until ${date}, so we have stopped sending them: tick and save if you want them again.`,
    expiredByEmail: (date: string) =>
      `You received these because you bought from us or asked us something. That permission lasted until ${date}, so we have stopped sending them: tick and save to get a confirmation email.`,
    statement: (legalName: string) =>
      `Ticking a kind of email and saving means you agree that ${legalName} may send it to this address for the purpose described. Unticking it and saving stops it at once.`,
    statementByEmail: (legalName: string) =>
      `Ticking a kind of email and saving sends a confirmation email to this address first: ${legalName} sends it only after you press the button in that email. Unticking it and saving stops it at once.`,
    save: 'Save my choices',
    saved: 'Your choices are saved.',
    savedNothing: 'Nothing changed.',
    grantedOne: (category: string) => `Saved: you will receive ${category}.`,
    withdrawnOne: (category: string) => `Saved: you will no longer receive ${category}.`,
    requestedOne: (category: string) => `To receive ${category}, open the email we just sent you and press the button in it.`,
    requested: 'To receive what you ticked, open the email we just sent you and press the button in it.',
    unsubscribeAllHeading: 'Stop everything',
    unsubscribeAll: 'Unsubscribe from all these emails',
    unsubscribedAll: 'You are unsubscribed from all these emails.',
    historyHeading: 'Your consent history',
    historyIntro: 'What you agreed to or stopped, when and how. Times are in the sender’s time zone.',
    historyEmpty: 'Nothing recorded yet.',
    wordingRef: (n: number) => `Wording ${n}`,
    wordingsHeading: 'Wordings you were shown',
    wordingsIntro: 'Each event above points to the exact wording its form showed. Each wording is listed once.',
    /** Around the time it was first shown: [before, after]. */
    wordingTitle: (n: number): [string, string] => [`Wording ${n}, first shown `, ''],
    historyEntry: (action: string, method: string) => `${action} ${method}.`,
    action: {
      requested: (category: string) => `You asked to receive ${category}`,
      confirmed: (category: string) => `You confirmed ${category}`,
      granted: (category: string) => `You agreed to receive ${category}`,
      withdrawn: (category: string) => `You stopped ${category}`,
      erased: (category: string) => `Your personal data was erased and ${category} stopped`,
    },
    method: {
      signup_form: 'on the signup form',
      embedded_form: 'on a signup form on the website',
      confirmation_link: 'with the link in the confirmation email',
      preference_page: 'on this page',
      one_click: 'with your mail app’s unsubscribe button',
      unsubscribe_page: 'with the unsubscribe link',
      unsubscribe_undo: 'by undoing an unsubscribe',
      erasure_request: 'at your request to erase your data',
      self_service: 'when you deleted your data on the preference page',
    } as Record<string, string>,
    languageHeading: 'Language of our emails',
    languageSave: 'Use this language',
    dataHeading: 'Your data',
    dataIntro: (legalName: string) =>
      `Download everything ${legalName} holds about you here: your address and name, your choices, and each consent with its evidence and the exact wording you saw, in a file (JSON) you can keep or take elsewhere.`,
    downloadData: 'Download my data',
    deleteLink: 'Delete my data',
    deleteTitle: 'Delete your data',
    deleteIntro: (legalName: string) =>
      `This deletes your email address and name at ${legalName}, stops every email you chose, and makes every link in our emails stop working.`,
    deleteSuppression:
      'We keep only a keyed fingerprint of your address, which cannot be turned back into it, so that you are never mailed again unless you sign up anew.',
    deleteHeld: (until: string) =>
      `Because emails were sent to you, the law requires us to keep the record of your consent (when and how you agreed, from which network and browser, with which wording) until ${until}. It is then deleted too. Until then only the sender can see it, to answer a complaint.`,
    deleteNothingHeld: 'No email was ever sent to you, so the record of your consent is deleted too.',
    deleteButton: 'Delete my data',
    deleteCancel: 'Keep my data and go back',
    deletedTitle: 'Your data is deleted',
    deletedBody: 'Your email address and name are gone, and you will get no more emails from us. The links in our emails no longer work.',
  },
  errors: {
    notFoundTitle: 'Page not found',
    notFoundBody: 'There is nothing at this address. Check the link and try again.',
    serverTitle: 'Something went wrong',
    serverBody: 'Nothing was changed. Please try again in a moment.',
    badRequestTitle: 'That request could not be read',
    badRequestBody: 'Nothing was changed. Go back, reload the page and try again.',
    tooLargeTitle: 'That was too much to send',
    tooLargeBody: 'Nothing was changed. A form here needs only a few lines of text.',
    forbiddenTitle: 'This form was sent from somewhere else',
    forbiddenBody:
      'For your safety we only accept forms sent from our own pages. Nothing was changed. Open the page again and send the form from there.',
    tooManyTitle: 'Too many requests',
    tooManyBody: (wait: string) =>
      `We received too many requests from your network in a short time. Nothing was changed. Please try again in ${wait}.`,
    checkUnavailableTitle: 'Please try again in a moment',
    checkUnavailableBody:
      'The service that checks for robots did not answer. Nothing was recorded or sent. Go back and send the form again in a moment.',
  },
  email: {
    confirmSubject: (site: string) => `Confirm your subscription to ${site}`,
    confirmIntro: (site: string) =>
      `Someone, hopefully you, asked to receive these emails from ${site} at this address:`,
    confirmAction: 'To confirm, open this link and press the button on the page:',
    confirmButton: 'Confirm my subscription',
    confirmExpiry: (when: string) => `The link works until ${when}.`,
    confirmIgnore: 'If you did not ask for this, ignore this email: you will not be subscribed.',
    sentBy: (legalName: string) => `Sent by ${legalName}`,
    unsubscribeLinkSubject: (site: string) => `Your unsubscribe link for ${site}`,
    unsubscribeLinkIntro: (site: string) =>
      `Someone, hopefully you, asked for a new link to stop emails from ${site} to this address. To unsubscribe, open this link and press the button on the page:`,
    unsubscribeLinkPreferences: 'Or choose which emails you get:',
    unsubscribeLinkIgnore: 'If you did not ask for this, ignore this email: nothing changes.',
    welcomeSubject: (site: string) => `Welcome to ${site}`,
    welcomeIntro: (site: string) => `You are confirmed. From now on ${site} will send you:`,
    welcomeOutro: 'You can change your choices or stop these emails at any time with the links below.',
    footerStop: 'You can stop these emails at any time: unsubscribe in one click, or choose which emails you get.',
    footerUnsubscribe: 'Unsubscribe',
    footerPreferences: 'Email preferences',
    footerAddress: 'Postal address',
    footerInquiries: 'Inquiries',
  },
  mailbox: {
    title: 'Dev mailbox',
    intro: 'Mail the server "sent" without an email provider (RESEND_API_KEY is unset). Newest first.',
    empty: 'No mail yet. Subscribe on a signup page and the confirmation email appears here.',
    to: 'To',
    at: 'Sent',
    viewHtml: 'View as HTML',
  },
  proof: {
    lastSentAt: 'Last sent',
    neverSent: 'never',
    hold: 'Evidence kept under a retention hold',
    holdUntil: (until: string) => `The address and name are erased. The consent evidence below is kept until ${until} (UTC), then removed.`,
    sends: 'Campaigns sent',
    noSends: 'No campaign recorded as sent.',
    campaign: 'Campaign',
    sentAt: 'Sent',
    emails: 'Emails from this service',
    noEmails: 'None.',
    kind: 'Kind',
    subject: 'Subject',
    title: (email: string) => `Proof of consent: ${email}`,
    generatedAt: (at: string) => `Generated ${at} (UTC).`,
    printHint: 'Use your browser’s Print command to keep this record on paper or as a PDF.',
    sender: 'Sender',
    legalName: 'Legal name',
    postalAddress: 'Postal address',
    inquiryContact: 'Inquiries',
    privacyPolicy: 'Privacy policy',
    contact: 'Contact',
    id: 'ID',
    email: 'Email address',
    name: 'Name',
    locale: 'Language',
    createdAt: 'First recorded',
    confirmedAt: 'Confirmed',
    notConfirmed: 'not confirmed',
    consents: 'Current consents',
    category: 'Category',
    status: 'Status',
    updatedAt: 'Since',
    noConsents: 'No consents recorded.',
    events: 'Consent events (the ledger)',
    noEvents: 'No events recorded.',
    event: (id: number) => `Event ${id}`,
    time: 'Time (UTC)',
    action: 'Action',
    method: 'Method',
    sourceUrl: 'Source URL',
    ip: 'IP address',
    userAgent: 'User agent',
    evidence: 'Evidence',
    actor: 'Recorded by',
    basis: 'Basis',
    basisValue: (basis: string, relationshipAt: string | null) =>
      ({
        express: 'express consent',
        implied_purchase: `implied consent from a purchase on ${relationshipAt}`,
        implied_inquiry: `implied consent from an inquiry on ${relationshipAt}`,
        business_card: 'address handed over in writing (a business card)',
        existing_customer: 'existing customer',
      })[basis] ?? basis,
    policyVersion: 'Policy version',
    wording: 'Wording shown',
    seal: 'Ledger seal',
    senderThen: 'Sender at the time',
    notSealed: 'not sealed yet',
    none: '—',
    wordings: 'Consent wordings',
    policy: (url: string, version: string) => `${url} (version ${version})`,
    wordingMeta: (locale: string, policyVersion: string, createdAt: string) =>
      `Language ${locale}, policy version ${policyVersion}, first stored ${createdAt}.`,
    canonical: 'Sealed form (what the seal hashes)',
    previousSeal: 'Seal before it in the ledger',
    verifyTitle: 'How to verify this record',
    verifySave: (path: string) =>
      `Save this record as JSON: GET ${path} (the person’s own “Download my data” file is the same record).`,
    verifyRun: ['In a copy of assent, run ', '. It needs no database and no keys. It checks that each event’s sealed form, with the seal before it, hashes to its seal (seal = SHA-256 of the previous seal, a line break and the sealed form, in hex; the first seal of the ledger follows the text assent-ledger-v1), that every field shown is the one sealed, that none of the contact’s events before its last one is missing, and that each wording and form hashes to its name. It names the first event that does not verify.'] as [string, string],
    verifyAnchor: [
      'A contact’s events are not neighbours in the ledger, so this record alone cannot show that a seal is the ledger’s own. To tie it to the ledger, compare the head hash below (or any seal) with what ',
      ' prints on the server, or with a head hash written down earlier.',
    ] as [string, string],
    head: (eventId: number) => `Ledger head when this record was made: event ${eventId}, `,
    noHead: 'The ledger had no sealed event when this record was made.',
    form: 'Form shown',
    forms: 'Forms shown',
    doors: {
      hosted: 'Our signup page',
      iframe: 'The signup form framed on the site’s page (iframe)',
      html: 'The plain HTML form on the site’s page',
      script: 'The form the script embed rendered on the site’s page (its form.json)',
    } as Record<string, string>,
    formMeta: (locale: string, templateVersion: string, createdAt: string, size: number) =>
      `Language ${locale}, template ${templateVersion}, first stored ${createdAt}, ${size} characters.`,
    formWhere: (site: string) =>
      `Each form is kept exactly as first shown (before anything was typed in it); its SHA-256 is its name. The content is in this bundle’s JSON (forms) and at GET /api/v1/sites/${site}/forms/{sha256}.`,
  },
};

type Widen<T> = T extends (...args: infer A) => string
  ? (...args: A) => string
  : T extends (...args: infer A) => [string, string]
    ? (...args: A) => [string, string]
    : T extends string
      ? string
      : { [K in keyof T]: Widen<T[K]> };

export type Messages = Widen<typeof en>;
