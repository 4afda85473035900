//! fjord-render: turns features and styles into pictures and tiles. It knows nothing of
//! HTTP or of the protocols; fjord-ogc's map and tile adapters call it.
