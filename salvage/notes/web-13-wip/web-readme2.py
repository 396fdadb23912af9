p='/work/wt-web/README.md'; s=open(p).read()
old='''- `/account` — the customer's start page.'''
new='''- `/account/contact` — "Contact us": line, topic, problem ("Other" always
  last), the customer's orders with item names and dates for purchase topics,
  up to 5 files checked in the browser (type, size, count) and by the server,
  with previews and upload progress; reply channel; "urgent" only where the
  topic allows it. The confirmation shows the number and the reply deadline
  exactly as the confirmation e-mail or SMS says it.
- `/account/requests` — "My requests": statuses and reply deadlines; each
  request's dialogue with files, reply, reopen with detail, and the formal
  claim (10 days) with an explanation of what it means.
- `/chat` — the chat window as a page (for the app's web view), and the
  widget for host sites: one tag,
  `<script src="https://support.example/assets/js/widget.js" data-token="IDENTITY-TOKEN" async></script>`,
  adds a button that opens the chat in a frame from support's origin
  (`/chat/embed`; the token travels in the URL fragment). Topic, then an order
  or "Question not about an order", then the bot's answers, "Call an
  operator", the SMS code for bank topics, and the live conversation with
  files and typing; it resumes after a reload or a lost connection from the
  last message seen, showing nothing twice.
- `/account` — the customer's start page.'''
assert old in s; s=s.replace(old,new,1)
open(p,'w').write(s)
