// gRPC transports for rampart-load: unary calls on the callback API, and pipelined streams.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <deque>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "load/Driver.h"
#include "rampart/v1/auth.grpc.pb.h"

namespace rampart::load {

double microsecondsSince(SteadyTime due) {
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - due).count();
}

namespace {

constexpr auto kCallDeadline = std::chrono::seconds(5);

std::shared_ptr<grpc::Channel> channelTo(const std::string& target, int index) {
    grpc::ChannelArguments args;
    args.SetInt("rampart.load.channel", index);  // distinct args: distinct connections
    return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

class GrpcUnaryDriver final : public Driver {
public:
    GrpcUnaryDriver(const std::vector<std::string>& targets, Recorder& recorder)
        : recorder_(recorder) {
        for (const auto& target : targets) {
            for (int i = 0; i < 2; ++i) stubs_.push_back(v1::Auth::NewStub(channelTo(target, i)));
        }
    }

    void send(const Draw& draw, SteadyTime due) override {
        auto* call = new Call;
        call->due = due;
        call->request.set_token(*draw.token);
        call->request.set_client_ip(*draw.clientIp);
        call->context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
        ++inFlight_;
        auto& stub = stubs_[next_++ % stubs_.size()];
        stub->async()->Check(&call->context, &call->request, &call->response,
                             [this, call](grpc::Status status) {
                                 const double us = microsecondsSince(call->due);
                                 if (status.ok()) {
                                     recorder_.record(call->response.verdict(), us);
                                 } else {
                                     recorder_.error(us);
                                 }
                                 delete call;
                                 --inFlight_;
                             });
    }

    size_t inFlight() const override { return inFlight_.load(); }

    void finish(SteadyTime deadline) override {
        while (inFlight_ > 0 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        // Calls still out have a deadline of their own; wait for their callbacks before the
        // stubs go away.
        while (inFlight_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }

private:
    struct Call {
        grpc::ClientContext context;
        v1::CheckRequest request;
        v1::CheckResponse response;
        SteadyTime due;
    };
    Recorder& recorder_;
    std::vector<std::unique_ptr<v1::Auth::Stub>> stubs_;
    std::atomic<size_t> next_{0};
    std::atomic<size_t> inFlight_{0};
};

// One stream: the scheduler queues requests; a writer thread sends them in order; a reader
// thread matches answers to due times by id (answers come back in request order).
class Stream {
public:
    Stream(v1::Auth::Stub& stub, Recorder& recorder) : recorder_(recorder) {
        stream_ = stub.CheckStream(&context_);
        writer_ = std::thread([this] { writeLoop(); });
        reader_ = std::thread([this] { readLoop(); });
    }

    void enqueue(const Draw& draw, SteadyTime due) {
        absl::MutexLock lock(&mutex_);
        queue_.push_back({*draw.token, *draw.clientIp, due});
        ++inFlight_;
    }

    size_t inFlight() const { return inFlight_.load(); }

    void close(SteadyTime deadline) {
        {
            absl::MutexLock lock(&mutex_);
            closing_ = true;
        }
        writer_.join();
        while (inFlight_ > 0 && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (inFlight_ > 0) context_.TryCancel();
        reader_.join();
        stream_->Finish();
    }

private:
    struct Pending {
        std::string token, ip;
        SteadyTime due;
    };

    void writeLoop() {
        v1::CheckRequest request;
        uint64_t id = 0;
        while (true) {
            Pending next;
            {
                absl::MutexLock lock(&mutex_);
                mutex_.Await(absl::Condition(
                    +[](Stream* s) ABSL_NO_THREAD_SAFETY_ANALYSIS { return s->closing_ || !s->queue_.empty(); },
                    this));
                if (queue_.empty()) break;  // closing and drained
                next = std::move(queue_.front());
                queue_.pop_front();
                dueById_.push_back(next.due);
            }
            request.set_id(id++);
            request.set_token(next.token);
            request.set_client_ip(next.ip);
            if (!stream_->Write(request)) break;
        }
        stream_->WritesDone();
    }

    void readLoop() {
        v1::CheckResponse response;
        while (stream_->Read(&response)) {
            SteadyTime due;
            {
                absl::MutexLock lock(&mutex_);
                if (dueById_.empty()) break;
                due = dueById_.front();
                dueById_.pop_front();
            }
            recorder_.record(response.verdict(), microsecondsSince(due));
            --inFlight_;
        }
        // Whatever was never answered is an error, counted once.
        absl::MutexLock lock(&mutex_);
        for (const auto& due : dueById_) recorder_.error(microsecondsSince(due));
        for (const auto& pending : queue_) recorder_.error(microsecondsSince(pending.due));
        inFlight_ -= dueById_.size() + queue_.size();
        dueById_.clear();
        queue_.clear();
    }

    Recorder& recorder_;
    grpc::ClientContext context_;
    std::unique_ptr<grpc::ClientReaderWriter<v1::CheckRequest, v1::CheckResponse>> stream_;
    absl::Mutex mutex_;
    std::deque<Pending> queue_ ABSL_GUARDED_BY(mutex_);
    std::deque<SteadyTime> dueById_ ABSL_GUARDED_BY(mutex_);
    bool closing_ ABSL_GUARDED_BY(mutex_) = false;
    std::atomic<size_t> inFlight_{0};
    std::thread writer_, reader_;
};

class GrpcStreamDriver final : public Driver {
public:
    GrpcStreamDriver(const std::vector<std::string>& targets, int streamsPerTarget,
                     Recorder& recorder) {
        for (const auto& target : targets) {
            for (int i = 0; i < streamsPerTarget; ++i) {
                stubs_.push_back(v1::Auth::NewStub(channelTo(target, i)));
                streams_.push_back(std::make_unique<Stream>(*stubs_.back(), recorder));
            }
        }
    }

    void send(const Draw& draw, SteadyTime due) override {
        streams_[next_++ % streams_.size()]->enqueue(draw, due);
    }

    size_t inFlight() const override {
        size_t total = 0;
        for (const auto& s : streams_) total += s->inFlight();
        return total;
    }

    void finish(SteadyTime deadline) override {
        for (auto& s : streams_) s->close(deadline);
    }

private:
    std::vector<std::unique_ptr<v1::Auth::Stub>> stubs_;
    std::vector<std::unique_ptr<Stream>> streams_;
    size_t next_ = 0;
};

}  // namespace

std::unique_ptr<Driver> makeGrpcUnaryDriver(const std::vector<std::string>& targets,
                                            Recorder& recorder) {
    return std::make_unique<GrpcUnaryDriver>(targets, recorder);
}

std::unique_ptr<Driver> makeGrpcStreamDriver(const std::vector<std::string>& targets,
                                             int streamsPerTarget, Recorder& recorder) {
    return std::make_unique<GrpcStreamDriver>(targets, streamsPerTarget, recorder);
}

}  // namespace rampart::load
