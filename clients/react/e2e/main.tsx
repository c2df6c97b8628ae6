// A shop's product page, as the seed had it: the product, and the generator under it. The
// page's own server (e2e/page_server.mjs) forwards /api and /files to pitchreel, adding
// nothing: the token comes from the page (here from the URL's #token=, in an app from the
// user's session).
import { createRoot } from 'react-dom/client';
import { createElement as h } from 'react';

import { ProductVideoGenerator } from '../src/index';

const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
const product = {
  productId: 'aurora-42',
  productName: 'Aurora lamp',
  productDescription: 'Warm light that lasts all night. Folds flat for travel. Charges over USB-C.',
  imageUrl: `${window.location.origin}/lamp.png`,
};

createRoot(document.getElementById('root')!).render(
  h('div', null,
    h('h1', null, product.productName),
    h('p', null, product.productDescription),
    h(ProductVideoGenerator, {
      ...product,
      baseUrl: window.location.origin,
      getToken: () => token,
      onComplete: (video) => {
        (window as unknown as { completedVideo: unknown }).completedVideo = video;
      },
    }),
  ),
);
