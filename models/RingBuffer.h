#pragma once

#include <cassert>
#include <cstddef>
#include <vector>

namespace rampart::console {

// A fixed-capacity FIFO over one allocation: once full, each push overwrites the oldest element, so
// memory stays flat however long the console runs. Index 0 is the oldest element held.
template <typename T>
class RingBuffer {
public:
    RingBuffer() = default;
    explicit RingBuffer(size_t capacity) { reset(capacity); }

    // Drops everything and allocates room for `capacity` elements up front.
    void reset(size_t capacity) {
        m_items.assign(capacity, T{});
        m_items.shrink_to_fit();
        m_head = 0;
        m_size = 0;
    }

    // Changes the capacity, keeping the newest min(size(), capacity) elements.
    void resize(size_t capacity) {
        if (capacity == this->capacity()) return;
        std::vector<T> kept;
        const size_t keep = m_size < capacity ? m_size : capacity;
        kept.reserve(capacity);
        for (size_t i = m_size - keep; i < m_size; ++i) kept.push_back((*this)[i]);
        kept.resize(capacity);
        m_items = std::move(kept);
        m_head = 0;
        m_size = keep;
    }

    void push(const T& item) {
        if (m_items.empty()) return;
        const size_t slot = (m_head + m_size) % m_items.size();
        m_items[slot] = item;
        if (m_size < m_items.size()) {
            ++m_size;
        } else {
            m_head = (m_head + 1) % m_items.size();
        }
    }

    const T& operator[](size_t i) const {
        assert(i < m_size);
        const size_t slot = m_head + i;
        return m_items[slot < m_items.size() ? slot : slot - m_items.size()];
    }
    const T& front() const { return (*this)[0]; }
    const T& back() const { return (*this)[m_size - 1]; }

    size_t size() const { return m_size; }
    size_t capacity() const { return m_items.size(); }
    bool empty() const { return m_size == 0; }
    bool full() const { return m_size == m_items.size(); }

    // First index whose element is not less than `key` by `less(element, key)`; the elements must
    // be ordered by that key (time, for the store's samples).
    template <typename Key, typename Less>
    size_t lowerBound(const Key& key, Less less) const {
        size_t lo = 0, hi = m_size;
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if (less((*this)[mid], key)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

private:
    std::vector<T> m_items;
    size_t m_head = 0;
    size_t m_size = 0;
};

}  // namespace rampart::console
