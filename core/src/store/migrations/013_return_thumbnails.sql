-- A photo taken when a loan comes back is stored like an item's photo: the returns row keeps
-- its thumbnail's hash beside the photo's, so thumbnails travel with sync and the blobs stay
-- referenced. Returns recorded before this version had no thumbnail.
ALTER TABLE returns ADD COLUMN thumbnail TEXT;
