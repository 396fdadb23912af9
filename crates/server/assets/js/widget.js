// The chat widget for host sites: one tag,
//   <script src="https://support.example/assets/js/widget.js" data-token="IDENTITY-TOKEN" async></script>
// adds a "Chat with support" button; the chat itself runs in a frame from
// support's own origin (/chat/embed), so the host page's styles and scripts
// and ours never meet. The token goes to the frame in the URL fragment,
// which is never sent to a server. The host may call
// window.SwitchboardChat.setToken(t) when it renews the token.
(() => {
  const me = document.currentScript;
  if (!me || window.SwitchboardChat) return;
  const origin = new URL(me.src).origin;
  const ru = (me.dataset.lang || document.documentElement.lang || 'ru').slice(0, 2) !== 'en';
  const label = ru ? 'Чат с поддержкой' : 'Chat with support';
  const close = ru ? 'Свернуть чат' : 'Minimise chat';
  let token = me.dataset.token || '';
  let frame = null;

  const css = (el, s) => { el.style.cssText = s; return el; };
  const button = css(document.createElement('button'),
    'position:fixed;right:16px;bottom:16px;z-index:2147483000;min-height:48px;padding:0 20px;'
    + 'border:0;border-radius:24px;background:#0b5cad;color:#fff;font:600 16px system-ui,sans-serif;'
    + 'box-shadow:0 2px 8px rgba(0,0,0,.3);cursor:pointer');
  button.type = 'button';
  button.textContent = label;
  button.setAttribute('aria-expanded', 'false');

  function open() {
    if (!frame) {
      frame = css(document.createElement('iframe'),
        'position:fixed;right:16px;bottom:76px;z-index:2147483000;width:min(380px,calc(100vw - 32px));'
        + 'height:min(600px,calc(100vh - 96px));border:1px solid #c5ccd6;border-radius:12px;'
        + 'background:#fff;box-shadow:0 4px 16px rgba(0,0,0,.25)');
      frame.title = label;
      frame.allow = 'clipboard-write';
      frame.src = `${origin}/chat/embed?lang=${ru ? 'ru' : 'en'}#token=${encodeURIComponent(token)}`;
      document.body.append(frame);
    }
    frame.hidden = false;
    frame.focus();
    button.textContent = close;
    button.setAttribute('aria-expanded', 'true');
  }

  function hide() {
    frame.hidden = true;
    button.textContent = label;
    button.setAttribute('aria-expanded', 'false');
    button.focus();
  }

  button.addEventListener('click', () => (frame && !frame.hidden ? hide() : open()));
  window.SwitchboardChat = {
    open,
    setToken(t) { token = t; if (frame) frame.src = `${origin}/chat/embed?lang=${ru ? 'ru' : 'en'}#token=${encodeURIComponent(t)}`; },
  };
  const mount = () => document.body.append(button);
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
